using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Diagnostics;
using VMPlant.Messages;

namespace VMPlant.Actors.Shop;

/// <summary>
/// One request's auction: asks every known plant for a bid, waits for all answers or the bid timeout, then
/// awards the cheapest bid, falling back to the next one when a plant refuses or does not answer in time. Awards are sent
/// on the shop's behalf: the plant answers the shop, which journals the award (see <see cref="AwardOffer"/>) and passes
/// the answer on, so a build's outcome, which the plant also sends to the shop, can never overtake its award.
/// An auction started before its request was journaled decides as soon as it can but awards only after
/// <see cref="RequestJournaled"/>.
/// In estimate mode it only reports the bids. Reports to its parent and stops.
/// </summary>
public sealed class AuctionActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AuctionRequest _request;
    private readonly IReadOnlyDictionary<string, IActorRef> _plants;
    private readonly ShopSettings _settings;
    private readonly List<BidSummary> _bids = [];
    private readonly List<DeclineSummary> _declines = [];
    private readonly HashSet<string> _answered = [];
    private Queue<BidSummary> _ranked = new();
    private BidSummary? _current;
    private bool _journaled;

    public AuctionActor(AuctionRequest request, IReadOnlyDictionary<string, IActorRef> plants, ShopSettings settings)
    {
        _request = request;
        _plants = plants;
        _settings = settings;
        _journaled = request.Journaled;
        Collecting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(AuctionRequest request, IReadOnlyDictionary<string, IActorRef> plants, ShopSettings settings) =>
        Akka.Actor.Props.Create(() => new AuctionActor(request, plants, settings));

    protected override void PreStart()
    {
        if (_plants.Count == 0)
        {
            Finish("no plants are registered with the shop");
            return;
        }
        foreach (var plant in _plants.Values)
            plant.Tell(new RequestBid(_request.RequestId, _request.Spec));
        if (!_request.EstimateOnly) RequestTrace.Mark(_request.RequestId, TracePoint.BidsRequested);
        Timers.StartSingleTimer(Timeout.Instance, Timeout.Instance, _settings.BidTimeout);
    }

    private void Collecting()
    {
        Receive<RequestJournaled>(_ => _journaled = true);
        Receive<Bid>(b => b.RequestId == _request.RequestId, b => Answered(b.Offer.Plant, () => _bids.Add(b.Offer)));
        Receive<Decline>(d => d.RequestId == _request.RequestId, d => Answered(d.Reason.Plant, () => _declines.Add(d.Reason)));
        Receive<Timeout>(_ =>
        {
            foreach (var silent in _plants.Keys.Where(p => !_answered.Contains(p)).Order(StringComparer.Ordinal))
                _declines.Add(new DeclineSummary(silent, $"no bid within {_settings.BidTimeout.TotalSeconds:0.###}s"));
            Decide();
        });
    }

    private void Answered(string plant, Action record)
    {
        if (!_answered.Add(plant)) return;
        record();
        if (_answered.Count == _plants.Count) Decide();
    }

    private void Decide()
    {
        Timers.CancelAll();
        var ranked = BidRanking.Rank(_bids);
        if (_request.EstimateOnly)
        {
            _request.ReplyTo.Tell(new EstimateResult(ranked.ToImmutableArray(), Declines()));
            Context.Stop(Self);
            return;
        }
        RequestTrace.Mark(_request.RequestId, TracePoint.AwardDecided);
        _ranked = new Queue<BidSummary>(ranked);
        if (_journaled)
        {
            Become(Awarding);
            AwardNext();
        }
        else
        {
            Become(AwaitingJournal);
            Timers.StartSingleTimer(Timeout.Instance, Timeout.Instance, _settings.AwardTimeout);
        }
    }

    private void AwaitingJournal()
    {
        Receive<RequestJournaled>(_ =>
        {
            Timers.CancelAll();
            _journaled = true;
            Become(Awarding);
            AwardNext();
        });
        // The request was never journaled (the write failed; the shop restarts from its journal): nothing may be awarded.
        Receive<Timeout>(_ =>
        {
            _log.Warning("Request {RequestId} was not journaled within {Timeout}s; its auction ends without an award",
                _request.RequestId, _settings.AwardTimeout.TotalSeconds);
            Context.Stop(Self);
        });
        Receive<Bid>(_ => { });
        Receive<Decline>(_ => { });
    }

    private void Awarding()
    {
        // The plant answers the shop (its build's outcome follows the same route); the shop journals the award and
        // passes the answer on: acceptance ends the auction, refusal moves on to the next bid.
        Receive<AwardAccepted>(a => a.RequestId == _request.RequestId && a.Plant == _current?.Plant, _ =>
        {
            Timers.CancelAll();
            RequestTrace.Mark(_request.RequestId, TracePoint.AwardAccepted);
            Context.Stop(Self);
        });
        Receive<AwardRefused>(r => r.RequestId == _request.RequestId && r.Plant == _current?.Plant, r =>
        {
            _log.Info("Plant {Plant} refused {RequestId}: {Reason}; trying the next bid", r.Plant, r.RequestId, r.Reason);
            _declines.Add(new DeclineSummary(r.Plant, $"refused the award: {r.Reason}"));
            AwardNext();
        });
        Receive<Timeout>(_ =>
        {
            _declines.Add(new DeclineSummary(_current!.Plant, $"did not answer the award within {_settings.AwardTimeout.TotalSeconds:0.###}s"));
            AwardNext();
        });
        // Late bids and declines after the deadline change nothing.
        Receive<RequestJournaled>(_ => { });
        Receive<Bid>(_ => { });
        Receive<Decline>(_ => { });
    }

    private void AwardNext()
    {
        if (!_ranked.TryDequeue(out _current))
        {
            Finish(_bids.Count == 0 ? "no plant can host this VM" : "every plant that bid refused the award");
            return;
        }
        RequestTrace.Mark(_request.RequestId, TracePoint.AwardSent);
        // The shop learns of the offer before the plant can answer it: both are told from here, the shop first.
        Context.Parent.Tell(new AwardOffer(_request.RequestId, _current.Plant, BidRanking.Rank(_bids).ToImmutableArray(), Declines()));
        _plants[_current.Plant].Tell(new Award(_request.RequestId, _request.VmId, _request.Spec), Context.Parent);
        Timers.StartSingleTimer(Timeout.Instance, Timeout.Instance, _settings.AwardTimeout);
    }

    private void Finish(string reason)
    {
        if (_request.EstimateOnly)
            _request.ReplyTo.Tell(new EstimateResult(ImmutableArray<BidSummary>.Empty, Declines()));
        else
            Context.Parent.Tell(new AuctionFailed(_request.RequestId, reason, BidRanking.Rank(_bids).ToImmutableArray(), Declines()));
        Context.Stop(Self);
    }

    private ImmutableArray<DeclineSummary> Declines() => _declines.ToImmutableArray();

    private sealed record Timeout
    {
        public static readonly Timeout Instance = new();
    }
}

/// <summary>What an auction is for. <paramref name="ReplyTo"/> receives the estimate in estimate mode.</summary>
/// <param name="Journaled">False while the shop is still journaling the request: the auction then waits for <see cref="RequestJournaled"/> before awarding.</param>
public sealed record AuctionRequest(string RequestId, string VmId, VmSpec Spec, bool EstimateOnly, IActorRef ReplyTo, bool Journaled = true);

/// <summary>The shop to an auction it started early: the request is journaled, the award may go out.</summary>
public sealed record RequestJournaled
{
    public static readonly RequestJournaled Instance = new();
}

public sealed record AuctionFailed(string RequestId, string Reason, ImmutableArray<BidSummary> Bids, ImmutableArray<DeclineSummary> Declines);
