using System.Globalization;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Windows;

/// <summary>
/// What inspection reads from the SYSTEM hive, in the control set Windows boots with (Select\Current names
/// ControlSetNNN): the language (Control\Nls\Language InstallLanguage and Default; Control\MUI\UILanguages for the
/// installed UI language packs), the product type (Control\ProductOptions), the Hyper-V role (the Virtual Machine
/// Management service, Services\vmms, exists only while the role is installed), the paging files and the
/// computer name.
/// </summary>
public sealed record WindowsSystemSettings
{
    /// <summary>The control set read, e.g. "ControlSet001".</summary>
    public required string ControlSet { get; init; }

    /// <summary>The language Windows was installed in (Nls\Language InstallLanguage).</summary>
    public WindowsLanguage? InstallLanguage { get; init; }

    /// <summary>The system's default UI language (Nls\Language Default).</summary>
    public WindowsLanguage? DefaultUiLanguage { get; init; }

    /// <summary>The UI languages installed (subkey names of Control\MUI\UILanguages, e.g. "en-US", "de-DE").</summary>
    public IReadOnlyList<string> InstalledUiLanguages { get; init; } = [];

    /// <summary>Control\ProductOptions ProductType: "WinNT" (client), "ServerNT" or "LanmanNT" (domain controller).</summary>
    public string? ProductType { get; init; }

    /// <summary>The Hyper-V role is installed: Services\vmms exists (spec §5.3.6).</summary>
    public bool HasHyperVRole { get; init; }

    /// <summary>The paging file configuration, or null when Memory Management has no PagingFiles value.</summary>
    public WindowsPagefile? Pagefile { get; init; }

    public string? ComputerName { get; init; }

    /// <summary>Reads the settings, or null when the hive has no usable control set.</summary>
    public static async ValueTask<WindowsSystemSettings?> ReadAsync(RegistryHive system, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        var select = await system.OpenKeyAsync("Select", cancellationToken).ConfigureAwait(false);
        var current = select is null ? null : await select.GetUInt32Async("Current", cancellationToken).ConfigureAwait(false)
            ?? await select.GetUInt32Async("Default", cancellationToken).ConfigureAwait(false);
        var name = current is { } number and > 0 and < 1000 ? string.Create(CultureInfo.InvariantCulture, $"ControlSet{number:000}") : "ControlSet001";
        var controlSet = await system.OpenKeyAsync(name, cancellationToken).ConfigureAwait(false);
        if (controlSet is null)
        {
            return null;
        }

        var language = await controlSet.OpenSubkeyAsync(@"Control\Nls\Language", cancellationToken).ConfigureAwait(false);
        var uiLanguages = await controlSet.OpenSubkeyAsync(@"Control\MUI\UILanguages", cancellationToken).ConfigureAwait(false);
        var productOptions = await controlSet.OpenSubkeyAsync(@"Control\ProductOptions", cancellationToken).ConfigureAwait(false);
        var memory = await controlSet.OpenSubkeyAsync(@"Control\Session Manager\Memory Management", cancellationToken).ConfigureAwait(false);
        var pagingFiles = memory is null ? null : await memory.GetValueAsync("PagingFiles", cancellationToken).ConfigureAwait(false);
        var computerName = await controlSet.OpenSubkeyAsync(@"Control\ComputerName\ComputerName", cancellationToken).ConfigureAwait(false);
        return new WindowsSystemSettings
        {
            ControlSet = name,
            InstallLanguage = language is null ? null : WindowsLanguage.Parse(await language.GetStringAsync("InstallLanguage", cancellationToken).ConfigureAwait(false)),
            DefaultUiLanguage = language is null ? null : WindowsLanguage.Parse(await language.GetStringAsync("Default", cancellationToken).ConfigureAwait(false)),
            InstalledUiLanguages = uiLanguages is null ? [] : await uiLanguages.GetSubkeyNamesAsync(cancellationToken).ConfigureAwait(false),
            ProductType = productOptions is null ? null : await productOptions.GetStringAsync("ProductType", cancellationToken).ConfigureAwait(false),
            HasHyperVRole = await controlSet.OpenSubkeyAsync(@"Services\vmms", cancellationToken).ConfigureAwait(false) is not null,
            Pagefile = pagingFiles switch
            {
                { Kind: RegistryValueKind.MultiString } => WindowsPagefile.Parse(pagingFiles.AsStrings()),
                { IsString: true } => WindowsPagefile.Parse([pagingFiles.AsString()]),
                _ => null,
            },
            ComputerName = computerName is null ? null : await computerName.GetStringAsync("ComputerName", cancellationToken).ConfigureAwait(false),
        };
    }
}
