using System.Net;
using System.Text.Json;

namespace VMPlant.Tests.Support;

/// <summary>GETs against a node's HTTP endpoints, waiting on observable conditions with generous ceilings.</summary>
public sealed class HttpProbe(string baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(20) };

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<string> GetTextAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="status"/>; fails with the last answer.</summary>
    public async Task<JsonElement> WaitForAsync(string path, HttpStatusCode status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (true)
        {
            try
            {
                var (got, body) = await GetJsonAsync(path);
                if (got == status) return body;
                last = $"{(int)got} {body}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} did not answer {(int)status} within {timeout}; last: {last}");
            await Task.Delay(250);
        }
    }

    public void Dispose() => _http.Dispose();
}
