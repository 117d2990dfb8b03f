using Polly.AttemptAwareBreaker.Tests.SharedState;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Controller;

/// <summary>The tickets of attempts: what a shadow attempt holds.</summary>
public class AttemptTicketTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Execute_ShadowAttemptThroughASharedOpenCircuit_ReleasesNoFleetSlot()
    {
        var shared = new FakeSharedState();
        var options = Breakers.Consecutive(1);
        options.Enforcement = CircuitBreakerEnforcement.Shadow;
        options.SharedState = shared;
        var pipeline = new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        var downstream = new Downstream();

        await pipeline.RunAsync(downstream);

        Assert.Equal(1, downstream.Calls);
        Assert.Empty(shared.Released);
    }
}
