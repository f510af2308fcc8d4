using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// What an auction does when every bid it ranked was refused or went unanswered. A refusal means the plant's capacity
/// changed between its bid and the award (another request took it, a VM is still being removed), which a fresh round
/// of bids sees: so the auction bids again after a back-off that doubles each round, and an accepted request does not
/// fail because of a race. It fails only when a round brings no bid at all — then every plant's decline says what was
/// short where — or after <see cref="MaxRounds"/> rounds of refusals.
/// </summary>
public sealed record AwardRetry(int MaxRounds, TimeSpan FirstBackoff, TimeSpan MaxBackoff)
{
    public static readonly AwardRetry Default = new(8, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));

    /// <summary>After round <paramref name="round"/> (1-based) ran out of bids: the back-off before the next round, or the failure reason.</summary>
    public (TimeSpan? Rebid, string? Failure) AfterRound(int round, int bids, IReadOnlyCollection<DeclineSummary> declines)
    {
        if (bids == 0) return (null, NoPlantCanHost(declines));
        if (round >= MaxRounds) return (null, $"every plant that bid refused the award, {round} rounds in a row: {Reasons(declines)}");
        return (Backoff(round), null);
    }

    public TimeSpan Backoff(int round)
    {
        var delay = FirstBackoff * Math.Pow(2, Math.Clamp(round - 1, 0, 30));
        return delay < MaxBackoff ? delay : MaxBackoff;
    }

    /// <summary>The failure of a request no plant bid for, naming each plant's reason (which resource was short, where).</summary>
    public static string NoPlantCanHost(IReadOnlyCollection<DeclineSummary> declines) =>
        declines.Count == 0 ? "no plant can host this VM" : $"no plant can host this VM: {Reasons(declines)}";

    private static string Reasons(IReadOnlyCollection<DeclineSummary> declines) =>
        string.Join("; ", declines.Select(d => $"{d.Plant}: {d.Reason}"));
}
