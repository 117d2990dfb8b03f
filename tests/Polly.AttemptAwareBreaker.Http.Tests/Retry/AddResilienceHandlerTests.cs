using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Http.Tests.Retry;

public class AddResilienceHandlerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TypedClient_ComposedExtensionWithHttpDefaults_OpensAfterTenRequestsInHardOutage()
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.BadGateway);
        await using var provider = TypedClientServices(downstream, retry => retry.Delay = TimeSpan.Zero);
        var client = provider.GetRequiredService<OrdersClient>();

        var rejectedAfter = await client.RequestsUntilRejectedAsync(downstream);

        Assert.Equal(10, rejectedAfter);
    }

    [Fact]
    public async Task TypedClient_ComposedExtension_RetriesTransientFailureUntilSuccess()
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n < 3 ? HttpStatusCode.GatewayTimeout : HttpStatusCode.OK);
        await using var provider = TypedClientServices(downstream, retry => retry.Delay = TimeSpan.Zero);
        var client = provider.GetRequiredService<OrdersClient>();

        using var response = await client.Http.GetAsync("/orders", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, downstream.Requests);
    }

    private static ServiceProvider TypedClientServices(KestrelDownstream downstream, Action<HttpAttemptAwareRetryStrategyOptions> retry)
    {
        var services = new ServiceCollection();
        services
            .AddHttpClient<OrdersClient>(client => client.BaseAddress = downstream.BaseAddress)
            .AddResilienceHandler("orders", pipeline =>
            {
                var retryOptions = new HttpAttemptAwareRetryStrategyOptions();
                retry(retryOptions);
                pipeline.AddAttemptAwareRetryAndCircuitBreaker(retryOptions, new HttpAttemptAwareCircuitBreakerStrategyOptions());
            });
        return services.BuildServiceProvider();
    }

    private sealed class OrdersClient(HttpClient http)
    {
        public HttpClient Http => http;

        public async Task<int> RequestsUntilRejectedAsync(KestrelDownstream downstream)
        {
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var response = await http.GetAsync("/orders", Cancel);
                }
                catch (BrokenCircuitException)
                {
                    return downstream.Requests;
                }
            }

            throw new InvalidOperationException("The circuit never opened.");
        }
    }
}
