namespace Vmie.Guest.Volumes.Lvm;

/// <summary>
/// One section of LVM2's configuration text format: <c>name { key = value ... }</c>. Values are strings,
/// 64-bit integers or lists of those.
/// </summary>
internal sealed class LvmConfigSection
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly List<(string Name, LvmConfigSection Section)> _sections = [];

    public IReadOnlyList<(string Name, LvmConfigSection Section)> Sections => _sections;

    public LvmConfigSection? Section(string name) => _sections.FirstOrDefault(s => s.Name == name).Section;

    public string? String(string key) => _values.TryGetValue(key, out var value) ? value as string : null;

    public long? Integer(string key) => _values.TryGetValue(key, out var value) && value is long number ? number : null;

    public IReadOnlyList<object>? List(string key) => _values.TryGetValue(key, out var value) ? value as IReadOnlyList<object> : null;

    internal void SetValue(string key, object value) => _values[key] = value;

    internal void AddSection(string name, LvmConfigSection section) => _sections.Add((name, section));
}
