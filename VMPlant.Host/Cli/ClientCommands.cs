using System.Collections.Immutable;
using System.CommandLine;
using Akka.Configuration;
using VMPlant.Actors.Domain;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;
using VMPlant.Messages;
using VMPlant.Messages.Specs;

namespace VMPlant.Host.Cli;

/// <summary>The verbs that talk to a running node: create, estimate, configure, list, show, destroy, plants.</summary>
public static class ClientCommands
{
    public static IEnumerable<Command> All()
    {
        var spec = new Argument<string>("spec") { Description = "VM spec file (HOCON)" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: resending the same id returns the first outcome" };
        var create = new Command("create", "Create a VM from a spec and print where and how it was built") { spec, requestId };
        create.SetAction((parse, _) => Run(parse, input =>
            new CreateVm(input.RequestId(parse.GetValue(requestId)), VmSpecParser.ParseFile(parse.GetValue(spec)!, input.Limits))));

        var estimateSpec = new Argument<string>("spec") { Description = "VM spec file (HOCON)" };
        var (estimateLimit, estimateAfter) = PagingOptions("bids and declines");
        var estimate = new Command("estimate", "Collect every plant's bid for a spec without creating anything") { estimateSpec, estimateLimit, estimateAfter };
        estimate.SetAction((parse, _) => Run(parse, input => new EstimateVm(VmSpecParser.ParseFile(parse.GetValue(estimateSpec)!, input.Limits))
            { Limit = PageLimit(parse.GetValue(estimateLimit)), After = parse.GetValue(estimateAfter) }, onePage: parse.GetValue(estimateLimit) is not null));

        var vm = new Argument<string>("vm") { Description = "VM id" };
        var actions = new Argument<string>("actions") { Description = "HOCON file with `actions = [...]`" };
        var configureRequestId = new Option<string?>("--request-id") { Description = "Idempotency key" };
        var configure = new Command("configure", "Perform further actions on an existing VM") { vm, actions, configureRequestId };
        configure.SetAction((parse, _) => Run(parse, input => new ConfigureVm(
            input.RequestId(parse.GetValue(configureRequestId)),
            parse.GetValue(vm)!,
            VmSpecParser.ParseActionsFile(parse.GetValue(actions)!, input.Limits))));

        var where = new Option<string[]>("--where") { Description = "key=value filter (plant, name, state, kind, action, image, id); repeatable" };
        var (listLimit, listAfter) = PagingOptions("VMs");
        var list = new Command("list", "List VMs, oldest first, optionally filtered by attributes") { where, listLimit, listAfter };
        list.SetAction((parse, _) => Run(parse, _ => new ListVms(ParseFilters(parse.GetValue(where) ?? []))
            { Limit = PageLimit(parse.GetValue(listLimit)), After = parse.GetValue(listAfter) }, onePage: parse.GetValue(listLimit) is not null));

        var showVm = new Argument<string>("vm") { Description = "VM id" };
        var (showLimit, showAfter) = PagingOptions("actions");
        var show = new Command("show", "Show one VM") { showVm, showLimit, showAfter };
        show.SetAction((parse, _) => Run(parse, _ => new ShowVm(parse.GetValue(showVm)!)
            { Limit = PageLimit(parse.GetValue(showLimit)), After = parse.GetValue(showAfter) }, onePage: parse.GetValue(showLimit) is not null));

        var destroyVm = new Argument<string>("vm") { Description = "VM id" };
        var destroy = new Command("destroy", "Destroy a VM: its domain and disk go away and its capacity returns") { destroyVm };
        destroy.SetAction((parse, _) => Run(parse, _ => new DestroyVm(parse.GetValue(destroyVm)!)));

        var (plantsLimit, plantsAfter) = PagingOptions("plants");
        var plants = new Command("plants", "Show every plant: capacity, VMs and cached golden images") { plantsLimit, plantsAfter };
        plants.SetAction((parse, _) => Run(parse, _ => new ListPlants { Limit = PageLimit(parse.GetValue(plantsLimit)), After = parse.GetValue(plantsAfter) },
            onePage: parse.GetValue(plantsLimit) is not null));

        return [create, estimate, configure, list, show, destroy, plants];
    }

    /// <summary>
    /// --limit and --after of a paged query. Without --limit every page is fetched and printed as one answer; with it,
    /// one page of at most that many items, and the cursor that continues it.
    /// </summary>
    private static (Option<int?> Limit, Option<string?> After) PagingOptions(string items) => (
        new Option<int?>("--limit") { Description = $"Print one page of at most this many {items}, and the cursor of the next page" },
        new Option<string?>("--after") { Description = "Start after this cursor (the `next` printed by the previous page)" });

    private static int? PageLimit(int? limit) => limit is < 1 ? throw new FormatException($"--limit must be at least 1, got {limit}") : limit;

    /// <summary>What building a request may read from the node's configuration.</summary>
    private sealed record RequestInput(InputLimits Limits)
    {
        /// <summary>The given request id, checked, or a fresh one.</summary>
        public string RequestId(string? given) =>
            given is null ? Guid.NewGuid().ToString("N")
            : RequestIds.Problem(given, Limits.RequestIdLength) is { } problem ? throw new FormatException($"--request-id: {problem}")
            : given;
    }

    private static ImmutableArray<VmFilter> ParseFilters(IEnumerable<string> filters) => filters.Select(f =>
    {
        var parts = f.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0)
            throw new FormatException($"--where expects key=value, got '{f}'");
        return new VmFilter(parts[0].Trim(), parts[1].Trim());
    }).ToImmutableArray();

    /// <summary>
    /// Builds the request (validating input before anything is sent), asks the shop, prints the answer. Every error is
    /// one line on stderr with the exit code the README gives; with --json, stdout also carries exactly one JSON
    /// document (the answer, or {"error", "exitCode"}).
    /// </summary>
    /// <param name="onePage">Print the single page asked for; otherwise a paged query's pages are all fetched and printed as one answer.</param>
    private static async Task<int> Run(ParseResult parse, Func<RequestInput, IVmPlantMessage> request, bool onePage = false)
    {
        var output = new CliOutput(parse.GetValue(CommonOptions.Json));
        IVmPlantMessage message;
        Config config;
        try
        {
            config = NodeConfig.Load(parse.GetValue(CommonOptions.Config));
            var limits = InputLimits.FromConfig(config);
            message = request(new RequestInput(limits));
            if (message is CreateVm create) VmSpecValidator.EnsureValid(create.Spec);
            if (message is EstimateVm estimate) VmSpecValidator.EnsureValid(estimate.Spec);
        }
        catch (Exception e) when (e is SpecValidationException or ConfigurationException or IOException or FormatException)
        {
            return await output.ErrorAsync(ExitCodes.BadInput, e.Message);
        }

        try
        {
            await using var client = await VmPlantClient.ConnectAsync(config, parse.GetValue(CommonOptions.Node));
            var answer = onePage ? await client.AskAsync(message) : await PageFetcher.AllAsync(message, page => client.AskAsync(page));
            return await output.AnswerAsync(answer);
        }
        catch (Exception e) when (e is ConfigurationException or RequestTooLargeException)
        {
            // Nothing was sent: e.g. vmplant.tls names a certificate that cannot be loaded, or the request exceeds a frame.
            return await output.ErrorAsync(ExitCodes.BadInput, e.Message);
        }
        catch (PagingException e)
        {
            return await output.ErrorAsync(ExitCodes.Refused, e.Message);
        }
        catch (NodeUnreachableException e)
        {
            return await output.ErrorAsync(ExitCodes.Unreachable, e.Message);
        }
        catch (RequestTimedOutException e)
        {
            return await output.ErrorAsync(ExitCodes.NoAnswer, e.Message);
        }
    }
}
