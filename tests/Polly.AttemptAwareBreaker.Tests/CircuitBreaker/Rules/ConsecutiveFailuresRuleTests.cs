using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

public class ConsecutiveFailuresRuleTests
{
    private readonly ConsecutiveFailuresRule _rule = new(threshold: 3);

    [Fact]
    public void Evaluate_RunOneBelowThreshold_DoesNotTrip()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 0, failures: 2, consecutiveFailures: 2));

        Assert.False(decision.Trips);
    }

    [Fact]
    public void Evaluate_RunExactlyAtThreshold_Trips()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 0, failures: 3, consecutiveFailures: 3));

        Assert.True(decision.Trips);
    }

    [Fact]
    public void Evaluate_RunAboveThreshold_Trips()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 0, failures: 4, consecutiveFailures: 4));

        Assert.True(decision.Trips);
    }

    [Fact]
    public void Evaluate_RunAtThresholdWithLowFailureRatio_StillTrips()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 97, failures: 3, consecutiveFailures: 3));

        Assert.True(decision.Trips);
    }

    [Fact]
    public void Evaluate_ManyFailuresInWindowButShortRun_DoesNotTrip()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 1, failures: 50, consecutiveFailures: 2));

        Assert.False(decision.Trips);
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
