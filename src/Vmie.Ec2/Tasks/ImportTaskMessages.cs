using Vmie.Guest.Inspection;

namespace Vmie.Ec2.Tasks;

/// <summary>StatusMessage values: the phases of an active task and the wording of its endings.</summary>
public static class ImportTaskMessages
{
    public const string Pending = "pending";
    public const string Validating = "validating";
    public const string Converting = "downloading/converting";

    /// <summary>Phases of an import-image task (spec §3.1), after <see cref="Validating"/>.</summary>
    public const string Validated = "validated";

    public const string ImageConverting = "converting";

    /// <summary>An import-image task's last phase: the AMI is made from the converted disks (spec §3.1).</summary>
    public const string PreparingAmi = "preparing ami";

    /// <summary>Status message of a task ended by CancelImportTask.</summary>
    public const string Cancelled = "User initiated task cancelation";

    /// <summary>AWS's wording for a source object that cannot be read because it is not there.</summary>
    public const string SourceNotFound = "ClientError: Disk validation failed [We do not have access to the given resource. Reason 404 Not Found]";

    /// <summary>AWS's wording for a source object in a bucket the caller does not own.</summary>
    public const string SourceForbidden = "ClientError: Disk validation failed [We do not have access to the given resource. Reason 403 Forbidden]";

    public const string SourceEmpty = "ClientError: Disk validation failed [Invalid disk image size 0: the S3 object is empty]";

    /// <summary>The image could not be read as the format it is: "ClientError: Disk validation failed [reason]".</summary>
    public static string DiskValidationFailed(string reason) => $"ClientError: Disk validation failed [{reason}]";

    /// <summary>AWS's wording when a VMDK is not stream-optimized (spec §13, I4).</summary>
    public const string OvaForSnapshot = "The file is an OVA package; ImportSnapshot takes a single VMDK, VHD, VHDX or raw disk image: import the OVA with ImportImage, or extract one of its disks";

    public const string UnsupportedVmdk = "ClientError: Disk validation failed [Unsupported VMDK File Format]";

    public static string ServerError(string taskId) =>
        $"ServerError: An internal error stopped the import; the vmie server log has the details for task {taskId}.";

    public const string Interrupted = "ServerError: The import was interrupted too many times (the server stopped while it ran) and was abandoned.";

    /// <summary>Spec §5.1 item 8 (more than 21 disks once OVAs are expanded); the wording shared with `vmie check`.</summary>
    public const string TooManyDisks = ImportStatusMessages.TooManyVolumes;

    /// <summary>Spec §5.1 item 11: ImportImage imports disks smaller than 8 TiB (no documented wording, §13.6).</summary>
    public const string ImportImageDiskTooLarge = ImportStatusMessages.ImportImageDiskTooLarge;

    /// <summary>Spec §5.1 item 11: disk images must be smaller than 16 TiB (no documented wording, §13.6).</summary>
    public const string ImageTooLarge = ImportStatusMessages.ImageTooLarge;

    /// <summary>Ours, in AWS's style: an OVA is a whole VM, so it cannot be one container among others.</summary>
    public const string OvaNotSoleContainer = "ClientError: Disk validation failed [An OVA holds a whole VM; it must be the only disk container of the import]";

    /// <summary>Ours, in AWS's style: the request's Architecture is not the guest's.</summary>
    public static string ArchitectureMismatch(string requested, string guest) =>
        $"ClientError: Unsupported configuration - The requested architecture {requested} does not match the guest's architecture {guest}";

    /// <summary>Ours, in AWS's style: the request's Platform is not the guest's operating system.</summary>
    public static string PlatformMismatch(string requested, string guest) =>
        $"ClientError: Unsupported configuration - The requested platform {requested} does not match the guest's operating system ({guest})";

    /// <summary>Ours, in AWS's style: the requested BootMode is one the guest's disks cannot start in.</summary>
    public static string BootModeUnsupported(string requested, string supported) =>
        $"ClientError: Unsupported configuration - The requested boot mode {requested} is not supported by the VM, which boots in {supported} only";
}
