using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Http.Tests.CircuitBreaker;

/// <summary>
/// Server-requested breaks through the HTTP handler against a real Kestrel downstream, in virtual time: with
/// <c>CircuitBreaker:BreakOnRetryAfter</c>, a 429 or 503 whose <c>Retry-After</c> asks for a pause opens the circuit until then.
/// </summary>
public class RetryAfterBreakTests
{
    private const string Breaker = "downstream-attempt-aware/AttemptAware-CircuitBreaker";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_429WithRetryAfterTwoSeconds_OpensTheCircuitForTwoSeconds()
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n == 1 ? new Answer(HttpStatusCode.TooManyRequests, "2") : HttpStatusCode.OK);
        using var services = Services(downstream);
        using var client = services.Client;

        using var first = await client.GetAsync("/", Cancel);

        var snapshot = Registry(services).GetSnapshot(Breaker);
        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal((CircuitState.Open, TimeSpan.FromSeconds(2)), (snapshot.State, snapshot.RetryAfter));
    }

    [Fact]
    public async Task Send_DuringTheRequestedPause_RejectedWithTheTimeLeftAndNoRequestSent()
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n == 1 ? new Answer(HttpStatusCode.ServiceUnavailable, "2") : HttpStatusCode.OK);
        using var services = Services(downstream);
        using var client = services.Client;
        using (await client.GetAsync("/", Cancel))
        {
        }

        _time.Advance(TimeSpan.FromMilliseconds(500));
        var rejection = await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("/", Cancel));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), rejection.RetryAfter);
        Assert.Equal(1, downstream.Requests);
    }

    [Fact]
    public async Task Send_AfterTheRequestedPause_ProbeClosesTheCircuit()
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n == 1 ? new Answer(HttpStatusCode.TooManyRequests, "2") : HttpStatusCode.OK);
        using var services = Services(downstream);
        using var client = services.Client;
        using (await client.GetAsync("/", Cancel))
        {
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        using var probe = await client.GetAsync("/", Cancel);

        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(CircuitState.Closed, Registry(services).GetSnapshot(Breaker).State);
    }

    [Fact]
    public async Task Send_RetryAfterShorterThanTheMinimum_LeavesTheCircuitClosed()
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n == 1 ? new Answer(HttpStatusCode.TooManyRequests, "1") : HttpStatusCode.OK);
        using var services = Services(downstream, minimum: "00:00:02");
        using var client = services.Client;

        using (await client.GetAsync("/", Cancel))
        {
        }

        Assert.Equal(CircuitState.Closed, Registry(services).GetSnapshot(Breaker).State);
    }

    [Fact]
    public async Task Send_BreakOnRetryAfterOff_429DoesNotOpenTheCircuit()
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n == 1 ? new Answer(HttpStatusCode.TooManyRequests, "2") : HttpStatusCode.OK);
        using var services = Services(downstream, breakOnRetryAfter: "false");
        using var client = services.Client;

        using (await client.GetAsync("/", Cancel))
        {
        }

        Assert.Equal(CircuitState.Closed, Registry(services).GetSnapshot(Breaker).State);
    }

    private static AttemptAwareCircuitBreakerRegistry Registry(ClientServices services) => services.Provider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>();

    private ClientServices Services(KestrelDownstream downstream, string breakOnRetryAfter = "true", string minimum = "00:00:01")
        => ClientServices.Create(
            downstream.BaseAddress,
            new()
            {
                ["Resilience:CircuitBreaker:BreakOnRetryAfter"] = breakOnRetryAfter,
                ["Resilience:CircuitBreaker:RequestedBreakMinimum"] = minimum,
                ["Resilience:Retry:MaxRetryAttempts"] = "1",
                ["Resilience:Retry:ShouldRetryAfterHeader"] = "false",
                ["Resilience:Retry:Delay"] = "00:00:00",
            },
            services: s => s.AddSingleton<TimeProvider>(_time));
}
