using System.Collections.Immutable;
using System.CommandLine;
using Akka.Configuration;
using VMPlant.Actors.Domain;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;
using VMPlant.Messages;

namespace VMPlant.Host.Cli;

/// <summary>The verbs that talk to a running node: create, estimate, configure, list, show, destroy, plants.</summary>
public static class ClientCommands
{
    public static IEnumerable<Command> All()
    {
        var spec = new Argument<string>("spec") { Description = "VM spec file (HOCON)" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: resending the same id returns the first outcome" };
        var create = new Command("create", "Create a VM from a spec and print where and how it was built") { spec, requestId };
        create.SetAction((parse, _) => Run(parse, () =>
            new CreateVm(parse.GetValue(requestId) ?? Guid.NewGuid().ToString("N"), VmSpecParser.ParseFile(parse.GetValue(spec)!))));

        var estimateSpec = new Argument<string>("spec") { Description = "VM spec file (HOCON)" };
        var estimate = new Command("estimate", "Collect every plant's bid for a spec without creating anything") { estimateSpec };
        estimate.SetAction((parse, _) => Run(parse, () => new EstimateVm(VmSpecParser.ParseFile(parse.GetValue(estimateSpec)!))));

        var vm = new Argument<string>("vm") { Description = "VM id" };
        var actions = new Argument<string>("actions") { Description = "HOCON file with `actions = [...]`" };
        var configureRequestId = new Option<string?>("--request-id") { Description = "Idempotency key" };
        var configure = new Command("configure", "Perform further actions on an existing VM") { vm, actions, configureRequestId };
        configure.SetAction((parse, _) => Run(parse, () => new ConfigureVm(
            parse.GetValue(configureRequestId) ?? Guid.NewGuid().ToString("N"),
            parse.GetValue(vm)!,
            VmSpecParser.ParseActions(File.ReadAllText(parse.GetValue(actions)!), parse.GetValue(actions)!))));

        var where = new Option<string[]>("--where") { Description = "key=value filter (plant, name, state, kind, action, image, id); repeatable" };
        var list = new Command("list", "List VMs, optionally filtered by attributes") { where };
        list.SetAction((parse, _) => Run(parse, () => new ListVms(ParseFilters(parse.GetValue(where) ?? []))));

        var showVm = new Argument<string>("vm") { Description = "VM id" };
        var show = new Command("show", "Show one VM") { showVm };
        show.SetAction((parse, _) => Run(parse, () => new ShowVm(parse.GetValue(showVm)!)));

        var destroyVm = new Argument<string>("vm") { Description = "VM id" };
        var destroy = new Command("destroy", "Destroy a VM: its domain and disk go away and its capacity returns") { destroyVm };
        destroy.SetAction((parse, _) => Run(parse, () => new DestroyVm(parse.GetValue(destroyVm)!)));

        var plants = new Command("plants", "Show every plant: capacity, VMs and cached golden images");
        plants.SetAction((parse, _) => Run(parse, () => ListPlants.Instance));

        return [create, estimate, configure, list, show, destroy, plants];
    }

    private static ImmutableArray<VmFilter> ParseFilters(IEnumerable<string> filters) => filters.Select(f =>
    {
        var parts = f.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0)
            throw new FormatException($"--where expects key=value, got '{f}'");
        return new VmFilter(parts[0].Trim(), parts[1].Trim());
    }).ToImmutableArray();

    /// <summary>Builds the request (validating input before anything is sent), asks the shop, prints the answer.</summary>
    private static async Task<int> Run(ParseResult parse, Func<IVmPlantMessage> request)
    {
        var json = parse.GetValue(CommonOptions.Json);
        IVmPlantMessage message;
        Config config;
        try
        {
            message = request();
            if (message is CreateVm create) VmSpecValidator.EnsureValid(create.Spec);
            if (message is EstimateVm estimate) VmSpecValidator.EnsureValid(estimate.Spec);
            config = NodeConfig.Load(parse.GetValue(CommonOptions.Config));
        }
        catch (Exception e) when (e is SpecValidationException or ConfigurationException or IOException or FormatException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }

        // Akka's default logger writes to Console.Out, also while the client system shuts down: send it to stderr so
        // stdout carries the answer alone (one JSON document with --json).
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        try
        {
            await using var client = await VmPlantClient.ConnectAsync(config, parse.GetValue(CommonOptions.Node));
            var answer = await client.AskAsync(message);
            var text = json ? Output.ToJson(answer) : Output.Render(answer);
            if (Output.IsRefusal(answer) && !json) await Console.Error.WriteLineAsync(text);
            else await stdout.WriteLineAsync(text);
            return Output.IsRefusal(answer) ? ExitCodes.Refused : ExitCodes.Ok;
        }
        catch (NodeUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Unreachable;
        }
        catch (ConfigurationException e)
        {
            // e.g. vmplant.tls names a certificate that cannot be loaded: nothing was sent.
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        finally
        {
            Console.SetOut(stdout);
        }
    }
}
