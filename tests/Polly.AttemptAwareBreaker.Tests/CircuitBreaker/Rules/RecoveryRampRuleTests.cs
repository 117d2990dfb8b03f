using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

/// <summary>The failure ratio during a recovery ramp, with a ratio of 0.5 and a minimum throughput of 10.</summary>
public class RecoveryRampRuleTests
{
    private readonly RecoveryRampRule _rule = new(failureRatio: 0.5, minimumThroughput: 10);

    [Fact]
    public void Evaluate_NoRampRunning_LeavesItToTheFailureRatioRule()
    {
        var sample = new HealthSample(successes: 5, failures: 5, consecutiveFailures: 0, admittedShare: 1);

        Assert.False(_rule.Evaluate(sample).Trips);
    }

    [Fact]
    public void Evaluate_RatioExactlyAtThresholdWithTheRampsShareOfTheMinimum_Trips()
    {
        // Half of the attempts admitted: 5 of the minimum throughput of 10 are enough.
        var sample = new HealthSample(successes: 3, failures: 3, consecutiveFailures: 0, admittedShare: 0.5);

        Assert.True(_rule.Evaluate(sample).Trips);
    }
}
