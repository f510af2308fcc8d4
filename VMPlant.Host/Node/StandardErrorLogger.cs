using Akka.Actor;
using Akka.Event;
using VMPlant.Messages.Specs;

namespace VMPlant.Host.Node;

/// <summary>
/// The CLI client's Akka logger: every log line (e.g. the transport's "Unable to REMOVE channel" warnings at
/// shutdown) goes to stderr, one escaped line each, so stdout carries only the answer (one JSON document with --json).
/// </summary>
public sealed class StandardErrorLogger : ReceiveActor
{
    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine(Excerpt.Line($"[{e.LogLevel()}] {e.LogSource}: {e.Message}", 2000)));
    }
}
