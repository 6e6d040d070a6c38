using Vmie.Ec2.Images.Licensing;

namespace Vmie.Ec2.Tests.Images.Licensing;

/// <summary>Every row of spec §8: the guest and the caller's choice decide the license, or end the task.</summary>
public sealed class ImageLicensingTests
{
    public enum Guest
    {
        Linux,
        WindowsServer,
        WindowsClient,
    }

    private static LicensingGuest For(Guest guest) => guest switch
    {
        Guest.Linux => LicensingGuest.Linux,
        Guest.WindowsServer => LicensingGuest.WindowsServer,
        _ => LicensingGuest.WindowsClient,
    };

    [Theory]
    // Defaults (spec §8.2): Windows Server AWS, Windows client and Linux BYOL.
    [InlineData(Guest.Linux, null, null, "BYOL", "Linux/UNIX", "RunInstances")]
    [InlineData(Guest.WindowsServer, null, null, "AWS", "Windows", "RunInstances:0002")]
    [InlineData(Guest.WindowsClient, null, null, "BYOL", "Windows BYOL", "RunInstances:0800")]
    // LicenseType in any case.
    [InlineData(Guest.Linux, "BYOL", null, "BYOL", "Linux/UNIX", "RunInstances")]
    [InlineData(Guest.Linux, "byol", null, "BYOL", "Linux/UNIX", "RunInstances")]
    [InlineData(Guest.WindowsServer, "aws", null, "AWS", "Windows", "RunInstances:0002")]
    [InlineData(Guest.WindowsServer, "AWS", null, "AWS", "Windows", "RunInstances:0002")]
    [InlineData(Guest.WindowsServer, "BYOL", null, "BYOL", "Windows BYOL", "RunInstances:0800")]
    [InlineData(Guest.WindowsClient, "Byol", null, "BYOL", "Windows BYOL", "RunInstances:0800")]
    // Every usage operation code of §8.3 on the guest it bills.
    [InlineData(Guest.WindowsServer, null, "RunInstances:0002", "AWS", "Windows", "RunInstances:0002")]
    [InlineData(Guest.WindowsServer, null, "RunInstances:0006", "AWS", "Windows with SQL Server Standard", "RunInstances:0006")]
    [InlineData(Guest.WindowsServer, null, "RunInstances:0102", "AWS", "Windows with SQL Server Enterprise", "RunInstances:0102")]
    [InlineData(Guest.WindowsServer, null, "RunInstances:0202", "AWS", "Windows with SQL Server Web", "RunInstances:0202")]
    [InlineData(Guest.WindowsServer, null, "RunInstances:0800", "BYOL", "Windows BYOL", "RunInstances:0800")]
    [InlineData(Guest.WindowsClient, null, "RunInstances:0800", "BYOL", "Windows BYOL", "RunInstances:0800")]
    [InlineData(Guest.Linux, null, "RunInstances", "BYOL", "Linux/UNIX", "RunInstances")]
    [InlineData(Guest.Linux, null, "RunInstances:0100", "BYOL", "Linux with SQL Server Enterprise", "RunInstances:0100")]
    [InlineData(Guest.Linux, null, "RunInstances:0004", "BYOL", "Linux with SQL Server Standard", "RunInstances:0004")]
    [InlineData(Guest.Linux, null, "RunInstances:0200", "BYOL", "Linux with SQL Server Web", "RunInstances:0200")]
    public void An_allowed_choice_gives_the_license_platform_details_and_usage_operation(
        Guest guest, string? licenseType, string? usageOperation, string expectedLicense, string expectedPlatformDetails, string expectedUsageOperation)
    {
        var decision = ImageLicensing.Decide(For(guest), licenseType, usageOperation);

        Assert.True(decision.Succeeded, decision.FailureMessage);
        Assert.Null(decision.FailureMessage);
        Assert.Equal(expectedLicense, decision.LicenseType);
        Assert.Equal(expectedPlatformDetails, decision.PlatformDetails);
        Assert.Equal(expectedUsageOperation, decision.UsageOperation);
    }

    [Theory]
    // Linux is BYOL only (spec §8.4), Windows client editions too (§8.5).
    [InlineData(Guest.Linux, "AWS", null, "LicenseType AWS includes an AWS operating system license, which Linux does not support")]
    [InlineData(Guest.WindowsClient, "aws", null, "which a Windows client operating system does not support")]
    [InlineData(Guest.WindowsClient, null, "RunInstances:0002", "The usage operation RunInstances:0002 (Windows) includes an AWS operating system license")]
    [InlineData(Guest.WindowsClient, null, "RunInstances:0006", "RunInstances:0006")]
    [InlineData(Guest.WindowsClient, null, "RunInstances:0102", "RunInstances:0102")]
    [InlineData(Guest.WindowsClient, null, "RunInstances:0202", "RunInstances:0202")]
    [InlineData(Guest.Linux, null, "RunInstances:0010", "Red Hat Enterprise Linux")]
    [InlineData(Guest.Linux, null, "RunInstances:000g", "SUSE Linux")]
    // A code of the other OS family.
    [InlineData(Guest.Linux, null, "RunInstances:0002", "is for Windows and does not match the imported operating system, Linux")]
    [InlineData(Guest.Linux, null, "RunInstances:0800", "is for Windows")]
    [InlineData(Guest.WindowsServer, null, "RunInstances", "is for Linux and does not match the imported operating system, Windows Server")]
    [InlineData(Guest.WindowsServer, null, "RunInstances:0004", "is for Linux")]
    [InlineData(Guest.WindowsClient, null, "RunInstances:0100", "is for Linux")]
    // Both together, and values outside the tables.
    [InlineData(Guest.WindowsServer, "AWS", "RunInstances:0002", "LicenseType and UsageOperation cannot both be given")]
    [InlineData(Guest.WindowsServer, "Auto", null, "Unknown license type 'Auto'")]
    [InlineData(Guest.Linux, null, "runinstances", "Unknown usage operation 'runinstances'")]
    [InlineData(Guest.WindowsServer, null, "RunInstances:9999", "Unknown usage operation")]
    public void A_choice_the_guest_does_not_allow_ends_the_task_with_a_client_error(Guest guest, string? licenseType, string? usageOperation, string expectedText)
    {
        var decision = ImageLicensing.Decide(For(guest), licenseType, usageOperation);

        Assert.False(decision.Succeeded);
        Assert.StartsWith("ClientError: ", decision.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(expectedText, decision.FailureMessage, StringComparison.Ordinal);
        Assert.Null(decision.LicenseType);
        Assert.Null(decision.PlatformDetails);
        Assert.Null(decision.UsageOperation);
    }

    [Fact]
    public void The_code_table_holds_exactly_the_codes_of_spec_8_3()
    {
        string[] expected =
        [
            "RunInstances:0002", "RunInstances:0006", "RunInstances:0102", "RunInstances:0202", "RunInstances:0800",
            "RunInstances", "RunInstances:0100", "RunInstances:0004", "RunInstances:0200", "RunInstances:0010", "RunInstances:000g",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), UsageOperationCodes.All.Select(c => c.Code).Order(StringComparer.Ordinal));
        Assert.All(expected, code => Assert.Same(UsageOperationCodes.All.Single(c => c.Code == code), UsageOperationCodes.Find(code)));
        Assert.Null(UsageOperationCodes.Find("RUNINSTANCES:0002"));
    }

    [Fact]
    public void Every_allowed_choice_round_trips_through_its_own_usage_operation()
    {
        // The UsageOperation a decision gives, asked for explicitly, yields the same decision.
        foreach (var guest in new[] { LicensingGuest.Linux, LicensingGuest.WindowsServer, LicensingGuest.WindowsClient })
        {
            foreach (var licenseType in new string?[] { null, "AWS", "BYOL" })
            {
                var byType = ImageLicensing.Decide(guest, licenseType, null);
                if (!byType.Succeeded)
                {
                    continue;
                }

                Assert.Equal(byType, ImageLicensing.Decide(guest, null, byType.UsageOperation));
            }
        }
    }
}
