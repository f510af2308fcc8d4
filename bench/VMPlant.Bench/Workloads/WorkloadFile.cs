using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using VMPlant.Actors.Domain;

namespace VMPlant.Bench.Workloads;

/// <summary>
/// Saves and loads workloads as JSON, so a run can be repeated exactly (or a workload written by hand or by another
/// tool can be replayed). The file holds the options it was generated with and every request in full.
/// </summary>
public static class WorkloadFile
{
    public const string Format = "vmplant-workload/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private sealed record Document(string Format, WorkloadOptions Options, IReadOnlyList<WorkloadRequest> Requests);

    public static string ToJson(Workload workload) =>
        JsonSerializer.Serialize(new Document(Format, workload.Options, workload.Requests), Json);

    public static Workload FromJson(string json, string sourceName = "workload")
    {
        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(json, Json);
        }
        catch (JsonException e)
        {
            throw new SpecValidationException($"{sourceName}: not a workload file: {e.Message}");
        }
        if (document is null || document.Format != Format)
            throw new SpecValidationException($"{sourceName}: not a workload file (expected format \"{Format}\", got \"{document?.Format}\")");
        if (document.Requests is null || document.Requests.Count == 0)
            throw new SpecValidationException($"{sourceName}: the workload has no requests");
        if (document.Requests.FirstOrDefault(r => r?.Spec is null) is { } incomplete)
            throw new SpecValidationException($"{sourceName}: request {incomplete?.Seq} has no spec");
        var requests = document.Requests.Select(Normalise).ToList();
        var errors = requests
            .SelectMany(r => VmSpecValidator.Validate(r.Spec).Select(e => $"request {r.Seq}: {e}"))
            .Take(10)
            .ToList();
        if (errors.Count > 0) throw new SpecValidationException(errors.Select(e => $"{sourceName}: {e}").ToList());
        return new Workload(document.Options ?? new WorkloadOptions(), [.. requests]);
    }

    /// <summary>Ordinal argument order and empty (not missing) lists, as specs parsed from HOCON have.</summary>
    private static WorkloadRequest Normalise(WorkloadRequest request) => request with
    {
        Spec = request.Spec with
        {
            Actions = request.Spec.Actions.IsDefault
                ? []
                : [.. request.Spec.Actions.Select(a => a with
                {
                    Args = (a.Args ?? ImmutableSortedDictionary<string, string>.Empty).WithComparers(StringComparer.Ordinal),
                    After = a.After.IsDefault ? [] : a.After,
                })],
        },
    };

    public static void Save(Workload workload, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, ToJson(workload));
    }

    public static Workload Load(string path)
    {
        if (!File.Exists(path)) throw new SpecValidationException($"workload file {path} does not exist");
        return FromJson(File.ReadAllText(path), path);
    }
}
