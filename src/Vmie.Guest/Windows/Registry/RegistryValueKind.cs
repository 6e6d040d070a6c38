namespace Vmie.Guest.Windows.Registry;

/// <summary>The data type stored in a value ("vk" cell, data type field); the numbers are the on-disk ones.</summary>
public enum RegistryValueKind : uint
{
    None = 0,
    String = 1,
    ExpandString = 2,
    Binary = 3,
    DWord = 4,
    DWordBigEndian = 5,
    Link = 6,
    MultiString = 7,
    ResourceList = 8,
    FullResourceDescriptor = 9,
    ResourceRequirementsList = 10,
    QWord = 11,
}
