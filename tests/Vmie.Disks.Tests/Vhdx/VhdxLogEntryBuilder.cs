using System.Buffers.Binary;
using System.Text;
using Vmie.Disks.Vhdx;

namespace Vmie.Disks.Tests.Vhdx;

/// <summary>Writes a VHDX log entry ([MS-VHDX] 2.3.1) the way a writer that crashed before flushing would leave it.</summary>
internal static class VhdxLogEntryBuilder
{
    public const int Sector = 4096;

    /// <summary>A data write (<paramref name="Data"/> of 4096 bytes) or a zero run (Data null, <paramref name="ZeroLength"/> bytes).</summary>
    public sealed record Write(long FileOffset, byte[]? Data, long ZeroLength = 0);

    public static byte[] Build(ulong sequence, Guid logGuid, uint tail, ulong flushedFileOffset, ulong lastFileOffset, params Write[] writes)
    {
        var descriptorSectors = (64 + (writes.Length * 32) + Sector - 1) / Sector;
        var dataWrites = writes.Where(w => w.Data is not null).ToList();
        var entry = new byte[(descriptorSectors + dataWrites.Count) * Sector];
        var span = entry.AsSpan();
        Encoding.ASCII.GetBytes("loge").CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)entry.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], tail);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)writes.Length);
        logGuid.TryWriteBytes(span.Slice(32, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(span[48..], flushedFileOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(span[56..], lastFileOffset);

        var dataSector = descriptorSectors;
        for (var i = 0; i < writes.Length; i++)
        {
            var descriptor = span.Slice(64 + (i * 32), 32);
            var write = writes[i];
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[16..], (ulong)write.FileOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[24..], sequence);
            if (write.Data is null)
            {
                Encoding.ASCII.GetBytes("zero").CopyTo(descriptor);
                BinaryPrimitives.WriteUInt64LittleEndian(descriptor[8..], (ulong)write.ZeroLength);
                continue;
            }

            Encoding.ASCII.GetBytes("desc").CopyTo(descriptor);
            write.Data.AsSpan(4092, 4).CopyTo(descriptor[4..]);
            write.Data.AsSpan(0, 8).CopyTo(descriptor[8..]);
            var sector = span.Slice(dataSector * Sector, Sector);
            Encoding.ASCII.GetBytes("data").CopyTo(sector);
            BinaryPrimitives.WriteUInt32LittleEndian(sector[4..], (uint)(sequence >> 32));
            write.Data.AsSpan(8, 4084).CopyTo(sector[8..]);
            BinaryPrimitives.WriteUInt32LittleEndian(sector[4092..], (uint)sequence);
            dataSector++;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], VhdxCrc32C.Compute(entry, 4));
        return entry;
    }
}
