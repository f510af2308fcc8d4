using Akka.Actor;

namespace VMPlant.Actors;

/// <summary>
/// How many bytes one reply may take: remoting drops, without a word, a message over
/// akka.remote.dot-netty.tcp.maximum-frame-size, so paged answers are cut to the frame less room for the envelopes
/// (recipient and sender paths, manifest, cluster-client tunnelling).
/// </summary>
public static class ReplyBudget
{
    public const string FrameSizeKey = "akka.remote.dot-netty.tcp.maximum-frame-size";
    public const long DefaultFrameBytes = 128_000;
    public const long EnvelopeBytes = 4096;

    public static long Of(ActorSystem system)
    {
        var config = system.Settings.Config;
        var frame = config.HasPath(FrameSizeKey) ? config.GetByteSize(FrameSizeKey) ?? DefaultFrameBytes : DefaultFrameBytes;
        return FromFrame(frame);
    }

    public static long FromFrame(long frameBytes) => Math.Max(frameBytes - EnvelopeBytes, 1024);
}
