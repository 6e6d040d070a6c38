namespace Vmie.Api.Tests.Auth.Payload;

/// <summary>Ways of draining a stream, so tests can check that the result does not depend on them.</summary>
internal static class StreamReading
{
    public static byte[] ReadAll(Stream stream, int bufferSize)
    {
        using var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, int bufferSize)
    {
        using var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory())) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
