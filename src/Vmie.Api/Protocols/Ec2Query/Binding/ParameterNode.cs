namespace Vmie.Api.Protocols.Ec2Query.Binding;

/// <summary>
/// One segment of the dotted parameter names, e.g. "DiskContainer" → "1" → "UserBucket" → "S3Bucket".
/// The tree is built once per request; binding then walks it alongside the model's shapes.
/// </summary>
internal sealed class ParameterNode
{
    private ParameterNode(string path, string firstKey)
    {
        Path = path;
        FirstKey = firstKey;
    }

    /// <summary>The dotted name up to this node, as sent.</summary>
    public string Path { get; }

    /// <summary>A full parameter name under this node, to name in errors about the node.</summary>
    public string FirstKey { get; }

    /// <summary>The value of the parameter whose name ends here, if one does.</summary>
    public string? Value { get; private set; }

    /// <summary>Children by segment, in the order they were first sent.</summary>
    public Dictionary<string, ParameterNode>? Children { get; private set; }

    public static ParameterNode Build(IReadOnlyList<KeyValuePair<string, string>> parameters, Ec2QueryLimits limits)
    {
        if (parameters.Count > limits.MaxParameters)
        {
            throw Ec2ProtocolErrors.TooManyParameters(limits.MaxParameters);
        }

        var root = new ParameterNode("", "");
        foreach (var (key, value) in parameters)
        {
            if (key.Length == 0 || key.Length > limits.MaxKeyLength)
            {
                throw Ec2ProtocolErrors.UnknownParameter(key);
            }

            var node = root;
            var start = 0;
            while (true)
            {
                var dot = key.IndexOf('.', start);
                var end = dot < 0 ? key.Length : dot;
                if (end == start)
                {
                    throw Ec2ProtocolErrors.UnknownParameter(key);
                }

                node = node.Child(key, end);
                if (dot < 0)
                {
                    break;
                }

                start = dot + 1;
            }

            // EC2 clients never repeat a name; a repeat with another value is ambiguous, so refuse it.
            if (node.Value is not null && node.Value != value)
            {
                throw Ec2ProtocolErrors.DuplicateParameter(key);
            }

            node.Value = value;
        }

        return root;
    }

    private ParameterNode Child(string key, int end)
    {
        var start = Path.Length == 0 ? 0 : Path.Length + 1;
        var segment = key[start..end];
        Children ??= new Dictionary<string, ParameterNode>(StringComparer.Ordinal);
        if (!Children.TryGetValue(segment, out var child))
        {
            child = new ParameterNode(key[..end], key);
            Children.Add(segment, child);
        }

        return child;
    }
}
