using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

/// <summary>The consecutive-failures rule with a threshold of 3.</summary>
public class ConsecutiveFailuresRuleTests
{
    private readonly ConsecutiveFailuresRule _rule = new(threshold: 3);

    [Theory]
    [InlineData(0, 3, 3)] // exactly at the threshold
    [InlineData(0, 4, 4)]
    [InlineData(97, 3, 3)] // whatever the failure ratio
    public void Evaluate_RunAtOrAboveThreshold_Trips(long successes, long failures, int run)
    {
        Assert.True(_rule.Evaluate(new HealthSample(successes, failures, run)).Trips);
    }

    [Theory]
    [InlineData(0, 2, 2)] // one below the threshold
    [InlineData(1, 50, 2)] // whatever the failures in the window
    public void Evaluate_RunBelowThreshold_DoesNotTrip(long successes, long failures, int run)
    {
        Assert.False(_rule.Evaluate(new HealthSample(successes, failures, run)).Trips);
    }

    [Fact]
    public void Evaluate_Trips_ReasonIsConsecutiveFailures()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 0, failures: 3, consecutiveFailures: 3));

        Assert.Equal(CircuitStateChangeReason.ConsecutiveFailures, decision.Reason);
    }

    [Fact]
    public void Evaluate_Trips_GeneratorGetsTheRunAndTheWindowsFailureRate()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 6, failures: 4, consecutiveFailures: 3));

        Assert.Equal((0.4, 3), (decision.FailureRate, decision.FailureCount));
    }
}
