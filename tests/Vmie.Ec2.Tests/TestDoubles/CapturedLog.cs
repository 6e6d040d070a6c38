using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vmie.Ec2.Tests.TestDoubles;

/// <summary>
/// A logger provider that keeps every entry, and lets a test act on one as it is written (on the thread that
/// writes it, e.g. to hold a worker at a chosen point).
/// </summary>
internal sealed class CapturedLog : ILoggerProvider
{
    public ConcurrentQueue<CapturedLogEntry> Entries { get; } = new();

    /// <summary>Called with each entry as it is logged.</summary>
    public Action<CapturedLogEntry>? OnLog { get; set; }

    public IEnumerable<CapturedLogEntry> AtLeast(LogLevel level) => Entries.Where(e => e.Level >= level);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new CapturedLogEntry(category, logLevel, formatter(state, exception), exception);
            log.Entries.Enqueue(entry);
            log.OnLog?.Invoke(entry);
        }
    }
}

internal sealed record CapturedLogEntry(string Category, LogLevel Level, string Message, Exception? Exception);
