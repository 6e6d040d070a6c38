namespace Vmie.Ec2.Tasks;

/// <summary>StatusMessage values: the phases of an active task and the wording of its endings.</summary>
public static class ImportTaskMessages
{
    public const string Pending = "pending";
    public const string Validating = "validating";
    public const string Converting = "downloading/converting";

    /// <summary>Status message of a task ended by CancelImportTask.</summary>
    public const string Cancelled = "User initiated task cancelation";

    /// <summary>AWS's wording for a source object that cannot be read because it is not there.</summary>
    public const string SourceNotFound = "ClientError: Disk validation failed [We do not have access to the given resource. Reason 404 Not Found]";

    public const string SourceEmpty = "ClientError: Disk validation failed [Invalid disk image size 0: the S3 object is empty]";

    /// <summary>The image could not be read as the format it is: "ClientError: Disk validation failed [reason]".</summary>
    public static string DiskValidationFailed(string reason) => $"ClientError: Disk validation failed [{reason}]";

    /// <summary>AWS's wording when a VMDK is not stream-optimized (spec §13, I4).</summary>
    public const string OvaForSnapshot = "The file is an OVA package; ImportSnapshot takes a single VMDK, VHD, VHDX or raw disk image: import the OVA with ImportImage, or extract one of its disks";

    public const string UnsupportedVmdk = "ClientError: Disk validation failed [Unsupported VMDK File Format]";

    public static string ServerError(string taskId) =>
        $"ServerError: An internal error stopped the import; the vmie server log has the details for task {taskId}.";

    public const string Interrupted = "ServerError: The import was interrupted too many times (the server stopped while it ran) and was abandoned.";

    /// <summary>ImportImage imports disks smaller than 8 TiB (spec §5.1.11); larger ones end the task with <see cref="DiskTooLargeForImportImage"/>.</summary>
    public const long MaxImportImageDiskBytes = 8L << 40;

    /// <summary>Disk images must be smaller than 16 TiB (spec §5.1.11); larger ones end the task with <see cref="DiskImageTooLarge"/>.</summary>
    public const long MaxDiskImageBytes = 16L << 40;

    public static string DiskTooLargeForImportImage(int position, long bytes) =>
        DiskValidationFailed($"Disk {position + 1} is {FormatTiB(bytes)} TiB ({bytes} bytes); ImportImage imports disks smaller than 8 TiB. Import a larger disk with ImportSnapshot");

    public static string DiskImageTooLarge(long bytes) =>
        DiskValidationFailed($"The disk image is {FormatTiB(bytes)} TiB ({bytes} bytes); disk images must be smaller than 16 TiB");

    private static string FormatTiB(long bytes) => (bytes / (double)(1L << 40)).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
