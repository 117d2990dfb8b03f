using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Http.Tests.StandardHandler;

/// <summary>
/// The handler added for every client with <c>ConfigureHttpClientDefaults</c> (the shape of .NET Aspire's service defaults): one circuit
/// per client, against real Kestrel downstreams.
/// </summary>
public class HttpClientDefaultsTests
{
    private const string Strategy = "AttemptAware-CircuitBreaker";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConfigureHttpClientDefaults_OtherNamedClientInOutage_HealthyClientGetsEveryAnswer()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientDefaultsServices.Create(clients => AddNamedClients(clients, sick, healthy));
        using var sickClient = services.CreateClient("sick");
        using var healthyClient = services.CreateClient("healthy");

        var run = await InterleavedRequests.RunAsync(sick, sickClient, healthyClient);

        Assert.Equal((0, InterleavedRequests.PerCaller), (run.HealthyRejected, run.HealthyAnswered));
        Assert.Equal(InterleavedRequests.PerCaller, healthy.Requests);
    }

    [Fact]
    public async Task ConfigureHttpClientDefaults_NamedClientInOutage_IsRejectedAfterItsOwnThreshold()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientDefaultsServices.Create(clients => AddNamedClients(clients, sick, healthy));
        using var sickClient = services.CreateClient("sick");
        using var healthyClient = services.CreateClient("healthy");

        var run = await InterleavedRequests.RunAsync(sick, sickClient, healthyClient);

        // The consecutive-failure threshold (10) of the sick client's own circuit, not diluted by the healthy client's successes; the
        // operations after the one that opened it (the third of four attempts each) are all rejected without reaching the downstream.
        Assert.Equal(10, run.SickCallsBeforeRejection);
        Assert.Equal(InterleavedRequests.PerCaller - 3, run.SickRejected);
        Assert.Equal(10, sick.Requests);
    }

    [Fact]
    public async Task ConfigureHttpClientDefaults_TypedClientInOutage_OtherTypedClientGetsEveryAnswer()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientDefaultsServices.Create(clients =>
        {
            clients.AddHttpClient<OrdersApi>(c => c.BaseAddress = sick.BaseAddress);
            clients.AddHttpClient<StockApi>(c => c.BaseAddress = healthy.BaseAddress);
        });
        var orders = services.Provider.GetRequiredService<OrdersApi>();
        var stock = services.Provider.GetRequiredService<StockApi>();

        var run = await InterleavedRequests.RunAsync(sick, orders.GetAsync, stock.GetAsync);

        Assert.Equal((0, InterleavedRequests.PerCaller), (run.HealthyRejected, run.HealthyAnswered));
        Assert.Equal(10, run.SickCallsBeforeRejection);
    }

    [Fact]
    public async Task ConfigureHttpClientDefaults_TypedClients_RegistryListsOneBreakerNamedAfterEachClient()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientDefaultsServices.Create(clients =>
        {
            clients.AddHttpClient<OrdersApi>(c => c.BaseAddress = sick.BaseAddress);
            clients.AddHttpClient<StockApi>(c => c.BaseAddress = healthy.BaseAddress);
        });
        var orders = services.Provider.GetRequiredService<OrdersApi>();
        var stock = services.Provider.GetRequiredService<StockApi>();

        await InterleavedRequests.RunAsync(sick, orders.GetAsync, stock.GetAsync);

        Assert.Equal(
            new Dictionary<string, CircuitState>
            {
                [$"OrdersApi-attempt-aware/{Strategy}"] = CircuitState.Open,
                [$"StockApi-attempt-aware/{Strategy}"] = CircuitState.Closed,
            },
            services.BreakerStates());
    }

    [Fact]
    public async Task ConfigureHttpClientDefaults_NamedClients_RegistryListsOneBreakerPerClientWithItsPipelineName()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientDefaultsServices.Create(clients => AddNamedClients(clients, sick, healthy));
        using var sickClient = services.CreateClient("sick");
        using var healthyClient = services.CreateClient("healthy");

        await InterleavedRequests.RunAsync(sick, sickClient, healthyClient);

        var breakers = services.Breakers.GetBreakers().OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(["healthy-attempt-aware", "sick-attempt-aware"], breakers.Select(b => b.PipelineName));
        Assert.Equal([CircuitState.Closed, CircuitState.Open], breakers.Select(b => b.Snapshot.State));
    }

    [Fact]
    public async Task SelectPipelineByAuthority_UnderDefaults_AuthorityInOutageLeavesTheOtherAuthorityOfTheSameClientAnswering()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientDefaultsServices.Create(clients => clients.AddHttpClient("gateway"), handler: h => h.SelectPipelineByAuthority());
        using var client = services.CreateClient("gateway");

        var run = await InterleavedRequests.RunAsync(sick, cancel => client.GetAsync(sick.BaseAddress, cancel), cancel => client.GetAsync(healthy.BaseAddress, cancel));

        Assert.Equal((0, InterleavedRequests.PerCaller), (run.HealthyRejected, run.HealthyAnswered));
        Assert.Equal(10, run.SickCallsBeforeRejection);
    }

    [Fact]
    public async Task SelectPipelineByAuthority_UnderDefaults_RegistryListsOneBreakerPerClientAndAuthority()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientDefaultsServices.Create(
            clients =>
            {
                clients.AddHttpClient("first");
                clients.AddHttpClient("second");
            },
            handler: h => h.SelectPipelineByAuthority());
        using var first = services.CreateClient("first");
        using var second = services.CreateClient("second");

        await InterleavedRequests.RunAsync(sick, cancel => first.GetAsync(sick.BaseAddress, cancel), cancel => first.GetAsync(healthy.BaseAddress, cancel));
        using (var answer = await second.GetAsync(healthy.BaseAddress, Cancel))
        using (var failure = await second.GetAsync(sick.BaseAddress, Cancel))
        {
        }

        Assert.Equal(
            new Dictionary<string, CircuitState>
            {
                [$"first-attempt-aware/{Authority(sick)}/{Strategy}"] = CircuitState.Open,
                [$"first-attempt-aware/{Authority(healthy)}/{Strategy}"] = CircuitState.Closed,
                [$"second-attempt-aware/{Authority(sick)}/{Strategy}"] = CircuitState.Closed,
                [$"second-attempt-aware/{Authority(healthy)}/{Strategy}"] = CircuitState.Closed,
            },
            services.BreakerStates());
    }

    [Fact]
    public async Task RemoveAllResilienceHandlers_ThenTheClientsOwnHandler_ClientUsesOnlyItsOwnSettings()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        using var services = ClientDefaultsServices.Create(clients =>
        {
#pragma warning disable EXTEXP0001 // Microsoft's way to opt a client out of the defaults' resilience handlers (experimental).
            var special = clients.AddHttpClient("special", c => c.BaseAddress = sick.BaseAddress).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            special.AddAttemptAwareResilienceHandler(options =>
            {
                options.Retry.Delay = TimeSpan.Zero;
                options.CircuitBreaker.ConsecutiveFailureThreshold = 3;
            });
        });
        using var client = services.CreateClient("special");

        var requests = await ClientServices.RequestsUntilFirstRejectionAsync(client, sick);

        // Its own threshold (3), through one handler: the defaults' handler (threshold 10) is gone and left no circuit behind.
        Assert.Equal(3, requests);
        Assert.Equal([$"special-attempt-aware/{Strategy}"], services.Breakers.Names);
    }

    [Fact]
    public async Task HostStart_DefaultsAndTheClientsOwnHandlerStacked_FailsSayingHowToFixIt()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddAttemptAwareResilienceHandler());
        builder.Services.AddHttpClient("inventory").AddAttemptAwareResilienceHandler();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Cancel));

        Assert.Contains("'inventory' has two attempt-aware resilience handlers", error.Message, StringComparison.Ordinal);
        Assert.Contains("call RemoveAllResilienceHandlers() on the client before its AddAttemptAwareResilienceHandler(...)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_ClientsOwnHandlerAddedTwice_FailsSayingHowToFixIt()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient("inventory").AddAttemptAwareResilienceHandler();
        builder.Services.AddHttpClient("inventory").AddAttemptAwareResilienceHandler();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Cancel));

        Assert.Contains("'inventory' has two attempt-aware resilience handlers", error.Message, StringComparison.Ordinal);
        Assert.Contains("Remove one of the two calls.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_DefaultsThenRemoveAllResilienceHandlersThenTheClientsOwn_Starts()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddAttemptAwareResilienceHandler());
#pragma warning disable EXTEXP0001 // Microsoft's way to opt a client out of the defaults' resilience handlers (experimental).
        var inventory = builder.Services.AddHttpClient("inventory").RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        inventory.AddAttemptAwareResilienceHandler();
        using var host = builder.Build();

        await host.StartAsync(Cancel);
        await host.StopAsync(Cancel);
    }

    [Fact]
    public void CreateClient_HandlerAddedTwiceForEveryClient_IsRefusedSayingHowToFixIt()
    {
        var collection = new ServiceCollection();
        collection.ConfigureHttpClientDefaults(http => http.AddAttemptAwareResilienceHandler());
        collection.ConfigureHttpClientDefaults(http => http.AddAttemptAwareResilienceHandler());
        using var provider = collection.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient("any"));

        Assert.Contains("'any' has two attempt-aware resilience handlers, added by ConfigureHttpClientDefaults and by ConfigureHttpClientDefaults", error.Message, StringComparison.Ordinal);
        Assert.Contains("call RemoveAllResilienceHandlers() before the second AddAttemptAwareResilienceHandler(...) in ConfigureHttpClientDefaults", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigurationReload_UnderDefaults_EachClientKeepsItsOwnCircuit()
    {
        await using var sick = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var healthy = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        using var services = ClientDefaultsServices.Create(clients => AddNamedClients(clients, sick, healthy));
        using var sickClient = services.CreateClient("sick");
        using var healthyClient = services.CreateClient("healthy");
        await InterleavedRequests.RunAsync(sick, sickClient, healthyClient);

        services.Configuration["Resilience:CircuitBreaker:BreakDuration"] = "00:00:30";
        services.Configuration.Reload();
        var run = await InterleavedRequests.RunAsync(sick, sickClient, healthyClient);

        Assert.Equal((InterleavedRequests.PerCaller, InterleavedRequests.PerCaller, 0), (run.SickRejected, run.HealthyAnswered, run.HealthyRejected));
        Assert.Equal(10, sick.Requests);
        Assert.Equal([$"healthy-attempt-aware/{Strategy}", $"sick-attempt-aware/{Strategy}"], services.Breakers.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ConfigurationReload_UnderDefaults_NewThresholdAppliesToEveryClient()
    {
        await using var first = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var second = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        using var services = ClientDefaultsServices.Create(clients =>
        {
            clients.AddHttpClient("first", c => c.BaseAddress = first.BaseAddress);
            clients.AddHttpClient("second", c => c.BaseAddress = second.BaseAddress);
        });

        services.Configuration["Resilience:CircuitBreaker:ConsecutiveFailureThreshold"] = "3";
        services.Configuration.Reload();
        using var firstClient = services.CreateClient("first");
        using var secondClient = services.CreateClient("second");

        Assert.Equal(3, await ClientServices.RequestsUntilFirstRejectionAsync(firstClient, first));
        Assert.Equal(3, await ClientServices.RequestsUntilFirstRejectionAsync(secondClient, second));
    }

    [Fact]
    public void StartupValidation_UnderDefaults_InvalidSettingFailsNamingTheKey()
    {
        var settings = ClientServices.NoRetryDelay();
        settings["Resilience:CircuitBreaker:FailureRatio"] = "2";

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => ClientDefaultsServices.Create(clients => clients.AddHttpClient("any"), settings));

        Assert.Contains("Resilience:CircuitBreaker:FailureRatio is 2; the allowed range is 0 to 1 (inclusive).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedState_UnderDefaults_EachClientLinksItsOwnBreakerByTheClientsName()
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        var shared = new RecordingSharedState();
        using var services = ClientDefaultsServices.Create(
            clients =>
            {
                clients.AddHttpClient("orders", c => c.BaseAddress = downstream.BaseAddress);
                clients.AddHttpClient("stock", c => c.BaseAddress = downstream.BaseAddress);
            },
            handler: h => h.Configure(options => options.CircuitBreaker.SharedState = shared));

        foreach (var name in new[] { "orders", "stock" })
        {
            using var client = services.CreateClient(name);
            using var response = await client.GetAsync("/", Cancel);
        }

        Assert.Equal([$"orders-attempt-aware/{Strategy}", $"stock-attempt-aware/{Strategy}"], shared.Names.Order(StringComparer.Ordinal));
    }

    private static void AddNamedClients(IServiceCollection clients, KestrelDownstream sick, KestrelDownstream healthy)
    {
        clients.AddHttpClient("sick", c => c.BaseAddress = sick.BaseAddress);
        clients.AddHttpClient("healthy", c => c.BaseAddress = healthy.BaseAddress);
    }

    private static string Authority(KestrelDownstream downstream) => downstream.BaseAddress.GetLeftPart(UriPartial.Authority);
}
