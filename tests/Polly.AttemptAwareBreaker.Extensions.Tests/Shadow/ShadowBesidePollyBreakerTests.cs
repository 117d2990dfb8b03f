using Microsoft.Extensions.DependencyInjection;
using Polly.Registry;

namespace Polly.AttemptAwareBreaker.Extensions.Tests.Shadow;

/// <summary>
/// The README's adoption recipe: the attempt-aware breaker in shadow mode inside the Polly breaker a team runs today, registered
/// through Polly.Extensions; Polly's breaker keeps deciding, the shadow breaker reports what it would do.
/// </summary>
public class ShadowBesidePollyBreakerTests
{
    private const string ShadowBreaker = "payments/shadow";

    [Fact]
    public async Task Outage_ShadowTripsFirst_ReportsOpenWhileTheDownstreamIsStillCalled()
    {
        using var provider = Services();
        var pipeline = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("payments");
        var calls = 0;

        for (var i = 0; i < 6; i++)
        {
            await Run(pipeline, () => ++calls);
        }

        var registry = provider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>();
        Assert.Equal(6, calls);
        Assert.Equal((CircuitState.Open, CircuitBreakerEnforcement.Shadow), (registry.GetSnapshot(ShadowBreaker).State, registry.GetSnapshot(ShadowBreaker).Enforcement));
        Assert.Equal(1, registry.GetSnapshot(ShadowBreaker).TotalRejections);
    }

    [Fact]
    public async Task Outage_PollysBreakerOpens_ItsRejectionIsWhatCallersGet()
    {
        using var provider = Services();
        var pipeline = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("payments");
        var calls = 0;
        for (var i = 0; i < 10; i++)
        {
            await Run(pipeline, () => ++calls);
        }

        var outcome = await Run(pipeline, () => ++calls);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(10, calls);
    }

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddAttemptAwareCircuitBreakers();
        services.AddResiliencePipeline("payments", (builder, context) => builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions { FailureRatio = 0.5, MinimumThroughput = 10 })
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions
            {
                Name = "shadow",
                Enforcement = CircuitBreakerEnforcement.Shadow,
                ConsecutiveFailureThreshold = 5,
                Registry = context.ServiceProvider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>(),
            }));
        return services.BuildServiceProvider();
    }

    private static async Task<Outcome<int>> Run(ResiliencePipeline pipeline, Func<int> call)
    {
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(
                static (_, c) =>
                {
                    c();
                    return new ValueTask<Outcome<int>>(Outcome.FromException<int>(new HttpRequestException("down")));
                },
                context,
                call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
