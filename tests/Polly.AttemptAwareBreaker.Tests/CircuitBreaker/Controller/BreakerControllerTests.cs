using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Controller;

/// <summary>A circuit kept by the registry across a rebuild of its pipeline takes the rebuilt options' callbacks.</summary>
public class BreakerControllerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerRegistry _registry = new();

    [Fact]
    public async Task Reconfigure_RebuiltWithAnotherOnOpened_OpeningCallsTheNewCallback()
    {
        var calls = new List<string>();
        Build(Options("first", calls));
        var rebuilt = Build(Options("rebuilt", calls));

        await rebuilt.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(["rebuilt"], calls);
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options(string name, List<string> calls)
    {
        var options = Breakers.Consecutive(1);
        options.Registry = _registry;
        options.OnOpened = _ =>
        {
            calls.Add(name);
            return default;
        };
        return options;
    }

    private ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options)
        => new ResiliencePipelineBuilder<int> { Name = "payments", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();
}
