using System.Globalization;
using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Protocols.Ec2Query.Mapping;

/// <summary>A scalar shape carried by a CLR scalar: parses request text and formats response text.</summary>
internal sealed class ScalarMapping(WireShape shape, Type clrType, ScalarKind kind) : ShapeMapping(shape, clrType)
{
    // Enums are listed in an error message only when short enough to read.
    private const int MaxListedEnumValues = 16;

    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    public ScalarKind Kind { get; } = kind;

    /// <summary>Parses a request value; a value EC2 would refuse throws InvalidParameterValue naming <paramref name="key"/>.</summary>
    public object Parse(string text, string key)
    {
        switch (Kind)
        {
            case ScalarKind.String:
                CheckEnum(text, key);
                return text;
            case ScalarKind.Boolean:
                // botocore sends lower case; EC2 itself reads booleans without regard to case.
                return text.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
                    : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
                    : throw Invalid(text, key, "Expected true or false.");
            case ScalarKind.Int32:
                return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var int32)
                    ? (int)CheckRange(int32, text, key)
                    : throw Invalid(text, key, "Expected an integer" + RangeText() + ".");
            case ScalarKind.Int64:
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var int64)
                    ? CheckRange(int64, text, key)
                    : throw Invalid(text, key, "Expected an integer" + RangeText() + ".");
            case ScalarKind.Double:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                    ? CheckRange(number, text, key)
                    : throw Invalid(text, key, "Expected a number" + RangeText() + ".");
            case ScalarKind.DateTime or ScalarKind.DateTimeOffset:
                if (!DateTimeOffset.TryParseExact(
                        text,
                        TimestampFormats,
                        CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                        out var timestamp))
                {
                    throw Invalid(text, key, "Expected an ISO 8601 timestamp such as 2016-11-15T12:00:00Z.");
                }

                return Kind == ScalarKind.DateTime ? (object)timestamp.UtcDateTime : (object)timestamp;
            case ScalarKind.Bytes:
                var bytes = new byte[(text.Length * 3 / 4) + 3];
                return Convert.TryFromBase64String(text, bytes, out var written)
                    ? bytes[..written]
                    : throw Invalid(text, key, "Expected base64-encoded data.");
            default:
                throw new InvalidOperationException($"Unknown scalar kind {Kind}.");
        }
    }

    /// <summary>Formats a response value as EC2 writes it.</summary>
    public string Format(object value) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        int int32 => int32.ToString(CultureInfo.InvariantCulture),
        long int64 => int64.ToString(CultureInfo.InvariantCulture),
        double number => FormatDouble(number),
        DateTime dateTime => FormatTimestamp(dateTime.Kind == DateTimeKind.Local ? dateTime.ToUniversalTime() : dateTime),
        DateTimeOffset dateTimeOffset => FormatTimestamp(dateTimeOffset.UtcDateTime),
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => throw new InvalidOperationException($"A {value.GetType().Name} cannot be written as {Shape.Name}."),
    };

    private static string FormatTimestamp(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // Shortest round-trip text, with ".0" on whole numbers as EC2 (and Python's float repr) write them.
    private static string FormatDouble(double number)
    {
        if (!double.IsFinite(number))
        {
            throw new InvalidOperationException($"The non-finite double {number} cannot be written to an EC2 response.");
        }

        var text = number.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().ContainsAny('.', 'E') ? text : text + ".0";
    }

    private void CheckEnum(string text, string key)
    {
        if (Shape.EnumValues is not { } values)
        {
            return;
        }

        // EC2 matches enums exactly, but its own examples pass vmdk/VMDK and aws/AWS alike; the value
        // goes through as sent and the domain decides how to echo it.
        foreach (var value in values)
        {
            if (value.Equals(text, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        throw Invalid(text, key, values.Count <= MaxListedEnumValues ? $"Expected one of: {string.Join(", ", values)}." : "It is not an allowed value.");
    }

    private long CheckRange(long value, string text, string key) =>
        (Shape.Minimum is { } min && value < min) || (Shape.Maximum is { } max && value > max)
            ? throw Invalid(text, key, "Expected an integer" + RangeText() + ".")
            : value;

    private double CheckRange(double value, string text, string key) =>
        (Shape.Minimum is { } min && value < min) || (Shape.Maximum is { } max && value > max)
            ? throw Invalid(text, key, "Expected a number" + RangeText() + ".")
            : value;

    private string RangeText() => (Shape.Minimum, Shape.Maximum) switch
    {
        ({ } min, { } max) => $" from {min} to {max}",
        ({ } min, null) => $" of at least {min}",
        (null, { } max) => $" of at most {max}",
        _ => "",
    };

    private static Vmie.Ec2.Errors.Ec2Exception Invalid(string text, string key, string expectation) =>
        Ec2ProtocolErrors.InvalidParameterValue(key, text, expectation);
}
