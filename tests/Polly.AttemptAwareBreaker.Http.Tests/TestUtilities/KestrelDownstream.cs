using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>
/// What the downstream answers to one request. <paramref name="Hang"/>: no answer at all until the client gives up (or the server stops),
/// as a downstream that has stopped responding.
/// </summary>
internal readonly record struct Answer(HttpStatusCode Status, string? RetryAfter = null, bool Hang = false)
{
    public static Answer NoAnswer => new(HttpStatusCode.OK, Hang: true);

    public static implicit operator Answer(HttpStatusCode status) => new(status);
}

/// <summary>
/// A real Kestrel server on a free loopback port that counts the requests reaching it and answers as the test says.
/// </summary>
internal sealed class KestrelDownstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private KestrelDownstream(WebApplication app) => _app = app;

    /// <summary>Gets the number of requests that reached the server.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Gets or sets the answer to the n-th request (1-based); by default 200.</summary>
    public Func<int, HttpRequest, Answer> Behaviour { get; set; } = (_, _) => HttpStatusCode.OK;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<KestrelDownstream> StartAsync(Func<int, HttpRequest, Answer>? behaviour = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var downstream = new KestrelDownstream(app);
        if (behaviour is not null)
        {
            downstream.Behaviour = behaviour;
        }

        app.Run(downstream.AnswerAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        downstream.BaseAddress = new Uri(app.Urls.Single());
        return downstream;
    }

    public static Task<KestrelDownstream> AnsweringAsync(HttpStatusCode status) => StartAsync((_, _) => status);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task AnswerAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _requests);
        var answer = Behaviour(n, context.Request);
        if (answer.Hang)
        {
            return HangAsync(context.RequestAborted);
        }

        context.Response.StatusCode = (int)answer.Status;
        if (answer.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return Task.CompletedTask;
    }

    private async Task HangAsync(CancellationToken requestAborted)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, either.Token);
        }
        catch (OperationCanceledException)
        {
            // The client gave up on the request (its attempt timed out) or the server is stopping.
        }
    }
}
