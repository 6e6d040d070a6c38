using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Windows;

/// <summary>
/// What inspection reads from a BCD store (\Boot\BCD for BIOS, \EFI\Microsoft\Boot\BCD on the ESP), a registry
/// hive whose Objects\{GUID}\Elements\{TYPE}\Element values hold each boot object's settings (BCD element types
/// of the Windows BCD WMI provider): the boot manager's default entry (BcdBootMgrObject_DefaultObject 0x23000003,
/// a GUID string) and Emergency Management Services — BcdOSLoaderBoolean_EmsEnabled 0x260000B0 ("bcdedit /ems")
/// on an OS loader entry, BcdLibraryBoolean_EmsEnabled 0x16000020 ("bcdedit /bootems") on any boot application.
/// Spec §5.3.4: EMS is not supported and is disabled on import, so it is a warning, never a failure.
/// </summary>
public sealed record BootConfigurationData
{
    public const string BootManagerObject = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}";
    public const string DefaultObjectElement = "23000003";
    public const string OsLoaderEmsElement = "260000b0";
    public const string BootEmsElement = "16000020";

    /// <summary>Most objects read from one store: a real store holds a few dozen.</summary>
    private const int MaxObjects = 1024;

    /// <summary>The boot manager's default entry ({GUID}), if set.</summary>
    public string? DefaultEntry { get; init; }

    /// <summary>The objects ({GUID}) whose EMS or boot EMS setting is on.</summary>
    public IReadOnlyList<string> EmsEnabledObjects { get; init; } = [];

    /// <summary>EMS is on for some boot object (spec §5.3.4: it will be disabled in the imported image).</summary>
    public bool IsEmsEnabled => EmsEnabledObjects.Count > 0;

    public static async ValueTask<BootConfigurationData> ReadAsync(RegistryHive bcd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bcd);
        var objects = await bcd.OpenKeyAsync("Objects", cancellationToken).ConfigureAwait(false);
        if (objects is null)
        {
            throw new CorruptHiveException("The BCD store has no Objects key.");
        }

        if (objects.SubkeyCount > MaxObjects)
        {
            throw new CorruptHiveException($"The BCD store declares {objects.SubkeyCount} objects, above the reader's limit of {MaxObjects}.");
        }

        string? defaultEntry = null;
        var ems = new List<string>();
        foreach (var item in await objects.GetSubkeysAsync(cancellationToken).ConfigureAwait(false))
        {
            var elements = await item.GetSubkeyAsync("Elements", cancellationToken).ConfigureAwait(false);
            if (elements is null)
            {
                continue;
            }

            if (string.Equals(item.Name, BootManagerObject, StringComparison.OrdinalIgnoreCase))
            {
                defaultEntry = await ElementStringAsync(elements, DefaultObjectElement, cancellationToken).ConfigureAwait(false);
            }

            if (await ElementBooleanAsync(elements, OsLoaderEmsElement, cancellationToken).ConfigureAwait(false) == true
                || await ElementBooleanAsync(elements, BootEmsElement, cancellationToken).ConfigureAwait(false) == true)
            {
                ems.Add(item.Name);
            }
        }

        return new BootConfigurationData { DefaultEntry = defaultEntry, EmsEnabledObjects = ems };
    }

    private static async ValueTask<string?> ElementStringAsync(RegistryKey elements, string type, CancellationToken cancellationToken)
    {
        var element = await elements.GetSubkeyAsync(type, cancellationToken).ConfigureAwait(false);
        return element is null ? null : await element.GetStringAsync("Element", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A boolean element is REG_BINARY (one byte, or eight as some writers store it): true when any byte is set.</summary>
    private static async ValueTask<bool?> ElementBooleanAsync(RegistryKey elements, string type, CancellationToken cancellationToken)
    {
        var element = await elements.GetSubkeyAsync(type, cancellationToken).ConfigureAwait(false);
        var value = element is null ? null : await element.GetValueAsync("Element", cancellationToken).ConfigureAwait(false);
        return value switch
        {
            null => null,
            { Kind: RegistryValueKind.Binary } => value.Data.Span.ContainsAnyExcept((byte)0),
            { IsNumber: true } => value.AsUInt64() != 0,
            _ => null,
        };
    }
}
