using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Http.Tests.StandardHandler;

public class AttemptAwareResilienceHandlerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HardOutage_DefaultThresholds_TenRequestsReachDownstreamBeforeCallersAreRejected()
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        using var services = ClientServices.Create(downstream.BaseAddress, ClientServices.NoRetryDelay());

        var requests = await services.RequestsUntilFirstRejectionAsync(downstream);

        Assert.Equal(10, requests);
    }

    [Fact]
    public async Task HardOutage_AfterOpening_LaterCallsAreRejectedWithoutReachingTheDownstream()
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        using var services = ClientServices.Create(downstream.BaseAddress, ClientServices.NoRetryDelay());
        var atOpening = await services.RequestsUntilFirstRejectionAsync(downstream);
        using var client = services.Client;

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("/", Cancel));
        }

        Assert.Equal(atOpening, downstream.Requests);
    }

    [Fact]
    public async Task RandomTransientNoise_TenPercentOver2000Operations_CircuitNeverOpens()
    {
        var random = new Random(20261125);
        await using var downstream = await KestrelDownstream.StartAsync((_, _) =>
        {
            lock (random)
            {
                return random.NextDouble() < 0.1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK;
            }
        });
        using var services = ClientServices.Create(downstream.BaseAddress, ClientServices.NoRetryDelay());
        using var client = services.Client;
        var rejected = 0;

        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Cancel }, async (_, token) =>
        {
            try
            {
                using var response = await client.GetAsync("/", token);
            }
            catch (BrokenCircuitException)
            {
                Interlocked.Increment(ref rejected);
            }
        });

        Assert.Equal(0, rejected);
        Assert.True(downstream.Requests >= 2000);
    }

    [Fact]
    public async Task ClientError_404_IsNeverRetried()
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.NotFound);
        using var services = ClientServices.Create(downstream.BaseAddress, ClientServices.NoRetryDelay());
        using var client = services.Client;

        for (var i = 0; i < 50; i++)
        {
            using var response = await client.GetAsync("/", Cancel);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Equal(50, downstream.Requests);
    }

    [Fact]
    public async Task ClientErrors_ThousandOf404_DoNotDiluteTheFailureRatio()
    {
        // With the consecutive rule out of the way, only the ratio rule (0.5 over at least 10 attempts) can open the circuit:
        // had the 404s been counted as successes, 1,000 failures would be needed instead of 10.
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n <= 1000 ? HttpStatusCode.NotFound : HttpStatusCode.ServiceUnavailable);
        var settings = ClientServices.NoRetryDelay();
        settings["Resilience:CircuitBreaker:ConsecutiveFailureThreshold"] = "100000";
        using var services = ClientServices.Create(downstream.BaseAddress, settings);
        using (var client = services.Client)
        {
            for (var i = 0; i < 1000; i++)
            {
                using var response = await client.GetAsync("/", Cancel);
            }
        }

        var requests = await services.RequestsUntilFirstRejectionAsync(downstream);

        Assert.Equal(1000 + 10, requests);
    }

    [Fact]
    public async Task SelectPipelineByAuthority_OneAuthorityInOutage_OtherAuthorityCircuitStaysClosed()
    {
        await using var down = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientServices.Create(baseAddress: null, ClientServices.NoRetryDelay(), handler => handler.SelectPipelineByAuthority());
        await services.RequestsUntilFirstRejectionAsync(down, down.BaseAddress.AbsoluteUri);
        using var client = services.Client;

        using var response = await client.GetAsync(healthy.BaseAddress, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, healthy.Requests);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync(down.BaseAddress, Cancel));
    }

    [Fact]
    public async Task ConfigurationReload_ConsecutiveThresholdLowered_RunningClientOpensAtTheNewThreshold()
    {
        var failing = false;
        await using var downstream = await KestrelDownstream.StartAsync((_, _) => Volatile.Read(ref failing) ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK);
        var settings = ClientServices.NoRetryDelay();
        settings["Resilience:CircuitBreaker:MinimumThroughput"] = "100000";
        using var services = ClientServices.Create(downstream.BaseAddress, settings);
        using (var client = services.Client)
        {
            using var warmUp = await client.GetAsync("/", Cancel);
        }

        services.Configuration["Resilience:CircuitBreaker:ConsecutiveFailureThreshold"] = "3";
        services.Configuration.Reload();
        Volatile.Write(ref failing, true);
        var requests = await services.RequestsUntilFirstRejectionAsync(downstream);

        Assert.Equal(1 + 3, requests);
    }

    [Fact]
    public async Task ConfigurationReload_WhileCircuitIsOpen_RebuiltPipelineKeepsRejectingWithoutCallingTheDownstream()
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        using var services = ClientServices.Create(downstream.BaseAddress, ClientServices.NoRetryDelay());
        var atOpening = await services.RequestsUntilFirstRejectionAsync(downstream);

        services.Configuration["Resilience:CircuitBreaker:BreakDuration"] = "00:00:30";
        services.Configuration.Reload();
        using var client = services.Client;

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("/", Cancel));
        Assert.Equal(atOpening, downstream.Requests);
    }

    [Fact]
    public async Task Registry_PerAuthorityPipelines_ListsOneBreakerPerAuthorityWithItsState()
    {
        await using var down = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientServices.Create(baseAddress: null, ClientServices.NoRetryDelay(), handler => handler.SelectPipelineByAuthority());
        await services.RequestsUntilFirstRejectionAsync(down, down.BaseAddress.AbsoluteUri);
        using (var client = services.Client)
        {
            using var response = await client.GetAsync(healthy.BaseAddress, Cancel);
        }

        var states = services.Provider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>().GetBreakers()
            .ToDictionary(b => b.PipelineInstanceName!, b => b.Snapshot.State);

        Assert.Equal(CircuitState.Open, states[Authority(down)]);
        Assert.Equal(CircuitState.Closed, states[Authority(healthy)]);
    }

    private static string Authority(KestrelDownstream downstream) => downstream.BaseAddress.GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task SelectPipelineBy_PathInOutage_OtherPathOfTheSameHostKeepsAnsweringOnItsOwnCircuit()
    {
        await using var downstream = await KestrelDownstream.StartAsync((_, request) =>
            request.Path.StartsWithSegments("/orders") ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK);
        using var services = ClientServices.Create(
            downstream.BaseAddress,
            ClientServices.NoRetryDelay(),
            handler => handler.SelectPipelineBy(_ => request => request.RequestUri!.Segments[1].TrimEnd('/')));
        await services.RequestsUntilFirstRejectionAsync(downstream, "/orders");
        using var client = services.Client;

        using var response = await client.GetAsync("/stock", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var states = services.Provider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>().GetBreakers()
            .ToDictionary(b => b.PipelineInstanceName!, b => b.Snapshot.State);
        Assert.Equal(new Dictionary<string, CircuitState> { ["orders"] = CircuitState.Open, ["stock"] = CircuitState.Closed }, states);
    }

    [Fact]
    public async Task DisableForUnsafeHttpMethods_FailingPost_IsSentOnceButGetIsRetried()
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        using var services = ClientServices.Create(
            downstream.BaseAddress,
            ClientServices.NoRetryDelay(),
            handler => handler.Configure(options => options.Retry.DisableForUnsafeHttpMethods()));
        using var client = services.Client;

        using (var post = await client.PostAsync("/", new StringContent("order"), Cancel))
        {
            Assert.Equal(1, downstream.Requests);
        }

        using var get = await client.GetAsync("/", Cancel);

        Assert.Equal(1 + 4, downstream.Requests);
    }
}
