using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Http.Tests.Retry;

public class RetryAfterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly ObservedTimeProvider _time = new(Start);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RetryAfterSeconds_On503_RetryWaitsExactlyThatLongOnThePipelineClock()
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n == 1
            ? new Answer(HttpStatusCode.ServiceUnavailable, "7")
            : HttpStatusCode.OK);

        var (status, waited) = await SendAndFollowRetryAsync(downstream, TimeSpan.FromSeconds(7));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TimeSpan.FromSeconds(7), waited);
        Assert.Equal(2, downstream.Requests);
    }

    [Fact]
    public async Task RetryAfterDate_On429_DelayIsMeasuredAgainstTheInjectedTimeProvider()
    {
        var retryAt = Start.AddSeconds(12).ToString("r", CultureInfo.InvariantCulture);
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n == 1
            ? new Answer(HttpStatusCode.TooManyRequests, retryAt)
            : HttpStatusCode.OK);

        var (status, waited) = await SendAndFollowRetryAsync(downstream, TimeSpan.FromSeconds(12));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TimeSpan.FromSeconds(12), waited);
    }

    [Fact]
    public async Task RetryAfter_LongerThanMaxDelay_IsCappedAtMaxDelay()
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n == 1
            ? new Answer(HttpStatusCode.ServiceUnavailable, "3600")
            : HttpStatusCode.OK);

        var (status, waited) = await SendAndFollowRetryAsync(downstream, TimeSpan.FromSeconds(4), maxDelay: "00:00:04");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TimeSpan.FromSeconds(4), waited);
    }

    private async Task<(HttpStatusCode Status, TimeSpan Waited)> SendAndFollowRetryAsync(KestrelDownstream downstream, TimeSpan expectedDelay, string? maxDelay = null)
    {
        var settings = new Dictionary<string, string?> { ["Resilience:Retry:UseJitter"] = "false" };
        if (maxDelay is not null)
        {
            settings["Resilience:Retry:MaxDelay"] = maxDelay;
        }

        using var services = ClientServices.Create(downstream.BaseAddress, settings, services: s => s.AddSingleton<TimeProvider>(_time));
        using var client = services.Client;
        var retryTimer = _time.TimerCreated(expectedDelay);

        var sending = client.GetAsync("/", Cancel);
        await retryTimer.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        _time.Fake.Advance(expectedDelay - TimeSpan.FromMilliseconds(1));
        var requestsJustBefore = downstream.Requests;
        _time.Fake.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await sending.WaitAsync(TimeSpan.FromSeconds(30), Cancel);

        Assert.Equal(1, requestsJustBefore);
        return (response.StatusCode, _time.GetUtcNow() - Start);
    }
}
