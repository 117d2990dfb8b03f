using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.HalfOpen;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

/// <summary>The text of a snapshot (the counts in it are in <c>AttemptAccountingTests</c>).</summary>
public class CircuitSnapshotTests
{
    [Fact]
    public void ToString_Shadow_SaysWhatTheStateWouldBe()
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int> { Enforcement = CircuitBreakerEnforcement.Shadow };

        var health = new CircuitHealth();
        health.UseWindow(100);

        var snapshot = health.ToSnapshot(
            CircuitState.Open, BreakerSettings.From(options), new ProbeSlots(), fleet: null, null, null, 0, new BreakerClock(new FakeTimeProvider()));

        Assert.StartsWith("shadow, would be Open; consecutive failures 0;", snapshot.ToString(), StringComparison.Ordinal);
    }
}
