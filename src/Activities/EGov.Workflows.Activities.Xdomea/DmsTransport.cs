using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>What became of one delivery.</summary>
public abstract record DmsOutcome
{
    private DmsOutcome() { }
    /// <summary>The DMS answered (HTTP 2xx) with this text (the 0402 expected).</summary>
    public sealed record Answered(string Body) : DmsOutcome;
    /// <summary>Written into the import folder; the DMS confirms later, outside this exchange.</summary>
    public sealed record Dropped(string Path) : DmsOutcome;
    /// <summary>Transport failure or a refusal that is not the DMS's decision on the content (retried, then an incident).</summary>
    public sealed record Failed(string Reason) : DmsOutcome;
}

/// <summary>Delivers an xdomea container to the tenant's DMS.</summary>
public interface IDmsTransport
{
    Task<DmsOutcome> DeliverAsync(byte[] container, string fileName, string idempotencyKey, XdomeaOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// The partner's message <paramref name="nachricht"/> of the process <paramref name="prozessId"/>, when it is there: over
    /// HTTP <c>GET {Endpoint}/{ProzessID}/{Nachricht}</c> (404: not yet), in the folder form the file
    /// <c>&lt;ProzessID&gt;_&lt;Nachricht&gt;.xml</c> in <paramref name="returnDirectory"/>. <see cref="DmsOutcome.Answered"/>
    /// with the text, <see cref="DmsOutcome.Dropped"/> when there is none yet, <see cref="DmsOutcome.Failed"/> on a transport failure.
    /// </summary>
    Task<DmsOutcome> FetchAsync(string prozessId, string nachricht, string? returnDirectory, XdomeaOptions options, CancellationToken cancellationToken) =>
        Task.FromResult<DmsOutcome>(new DmsOutcome.Failed("this transport cannot fetch answers"));
}

/// <summary>
/// HTTP (POST of the ZIP container, <c>Idempotency-Key</c> header, optional bearer token) through a Polly pipeline from
/// Microsoft.Extensions.Http.Resilience: each attempt time-limited, transient failures (connection refused, 5xx, 408, 429)
/// retried with exponential back-off and jitter. Or a file in the import folder, written atomically.
/// </summary>
public sealed class DmsTransport(IHttpClientFactory clients) : IDmsTransport
{
    public const string ClientName = "xdomea-dms";
    private static readonly ConcurrentDictionary<(int, int, int), ResiliencePipeline<HttpResponseMessage>> Pipelines = new();

    public async Task<DmsOutcome> DeliverAsync(byte[] container, string fileName, string idempotencyKey, XdomeaOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Delivery == DmsDeliveryKind.Directory
            ? Drop(container, fileName, options.Directory!)
            : await PostAsync(container, fileName, idempotencyKey, options, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DmsOutcome> FetchAsync(string prozessId, string nachricht, string? returnDirectory, XdomeaOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Guid.TryParse(prozessId, out var pid)) throw new ArgumentException("not a ProzessID", nameof(prozessId));
        var name = $"{pid:D}_{nachricht}.xml";
        if (options.Delivery == DmsDeliveryKind.Directory)
        {
            if (string.IsNullOrWhiteSpace(returnDirectory)) return new DmsOutcome.Dropped(name);
            var path = Path.Combine(returnDirectory, name);
            try { return File.Exists(path) ? new DmsOutcome.Answered(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)) : new DmsOutcome.Dropped(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return new DmsOutcome.Failed($"the answer folder '{returnDirectory}' cannot be read: {e.Message}"); }
        }
        var token = Token(options);
        var client = clients.CreateClient(ClientName);
        client.Timeout = Timeout.InfiniteTimeSpan;
        var url = $"{options.Endpoint!.TrimEnd('/')}/{pid:D}/{Uri.EscapeDataString(nachricht)}";
        var attempts = 0;
        try
        {
            using var response = await Pipeline(options).ExecuteAsync(async ct =>
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
                if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return await client.SendAsync(request, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NoContent) return new DmsOutcome.Dropped(url);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? new DmsOutcome.Answered(body)
                : new DmsOutcome.Failed($"the partner answered {(int)response.StatusCode} {response.ReasonPhrase} to the question for {nachricht} after {attempts} attempt(s)");
        }
        catch (HttpRequestException e)
        {
            return new DmsOutcome.Failed($"{Safe(options.Endpoint)} cannot be reached after {attempts} attempt(s): {e.Message}");
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            return new DmsOutcome.Failed($"{Safe(options.Endpoint)} did not answer within {options.TimeoutSeconds} s ({attempts} attempt(s))");
        }
    }

    private static DmsOutcome Drop(byte[] container, string fileName, string directory)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, fileName);
            if (File.Exists(path)) return new DmsOutcome.Dropped(path); // the same ProzessID: already delivered
            var temp = Path.Combine(directory, "." + fileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
            File.WriteAllBytes(temp, container);
            File.Move(temp, path, overwrite: false);
            return new DmsOutcome.Dropped(path);
        }
        catch (IOException) when (File.Exists(Path.Combine(directory, fileName))) { return new DmsOutcome.Dropped(Path.Combine(directory, fileName)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new DmsOutcome.Failed($"the import folder '{directory}' cannot be written: {e.Message}");
        }
    }

    private async Task<DmsOutcome> PostAsync(byte[] container, string fileName, string idempotencyKey, XdomeaOptions o, CancellationToken cancellationToken)
    {
        var token = Token(o);
        var client = clients.CreateClient(ClientName);
        client.Timeout = Timeout.InfiniteTimeSpan; // the pipeline limits each attempt
        var pipeline = Pipeline(o);
        var attempts = 0;
        try
        {
            using var response = await pipeline.ExecuteAsync(async ct =>
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Post, o.Endpoint);
                request.Content = new ByteArrayContent(container);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
                request.Content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName };
                request.Headers.Add("Idempotency-Key", idempotencyKey);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
                if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return await client.SendAsync(request, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return new DmsOutcome.Answered(body);
            // A 0402 that refuses the import may come with a 4xx: the content decides, not the status.
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict
                && body.Contains(Importbestaetigung.Nachricht, StringComparison.Ordinal))
                return new DmsOutcome.Answered(body);
            return new DmsOutcome.Failed($"the DMS answered {(int)response.StatusCode} {response.ReasonPhrase} after {attempts} attempt(s)");
        }
        catch (HttpRequestException e)
        {
            return new DmsOutcome.Failed($"the DMS at {Safe(o.Endpoint)} cannot be reached after {attempts} attempt(s): {e.Message}");
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            return new DmsOutcome.Failed($"the DMS at {Safe(o.Endpoint)} did not answer within {o.TimeoutSeconds} s ({attempts} attempt(s))");
        }
    }

    /// <summary>The endpoint without user info or query (never a secret in a message).</summary>
    private static string Safe(string? endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Path) : "(endpoint)";

    private static string? Token(XdomeaOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.ApiKey)) return o.ApiKey.Trim();
        if (!string.IsNullOrWhiteSpace(o.ApiKeyFile) && File.Exists(o.ApiKeyFile)) return File.ReadLines(o.ApiKeyFile).FirstOrDefault()?.Trim();
        return null;
    }

    private static ResiliencePipeline<HttpResponseMessage> Pipeline(XdomeaOptions o) =>
        Pipelines.GetOrAdd((Math.Clamp(o.Retries, 0, 10), Math.Clamp(o.RetryDelayMilliseconds, 1, 60_000), Math.Clamp(o.TimeoutSeconds, 1, 300)), k =>
            new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = k.Item1 == 0 ? 1 : k.Item1,
                    ShouldHandle = k.Item1 == 0 ? _ => ValueTask.FromResult(false) : new HttpRetryStrategyOptions().ShouldHandle,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(k.Item2),
                })
                .AddTimeout(TimeSpan.FromSeconds(k.Item3))
                .Build());
}
