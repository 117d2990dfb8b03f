using Polly.AttemptAwareBreaker.CircuitBreaker;
using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

namespace Polly.AttemptAwareBreaker.Tests.TestUtilities;

/// <summary>Builds a breaker in a pipeline and hands out its controller, to drive the state machine directly.</summary>
internal static class Controllers
{
    public static BreakerController<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options, FakeTimeProvider time)
    {
        BreakerController<int>? controller = null;
        new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddStrategy(
                context =>
                {
                    var strategy = new AttemptAwareCircuitBreakerResilienceStrategy<int>(options, context);
                    controller = strategy.Controller;
                    return strategy;
                },
                options)
            .Build();
        return controller!;
    }
}
