using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

/// <summary>The slow-attempt rule on samples (the rule in a pipeline is in <c>PartialFailures/SlowAttemptsTests</c>).</summary>
public class SlowAttemptsRuleTests
{
    [Fact]
    public void Evaluate_RatioZeroWithoutSlowAttempts_DoesNotTrip()
    {
        var rule = new SlowAttemptsRule(slowRatio: 0, minimumThroughput: 1);

        Assert.False(rule.Evaluate(new HealthSample(successes: 5, failures: 0, consecutiveFailures: 0)).Trips);
    }

    [Fact]
    public void Evaluate_Trips_GeneratorGetsTheSlowShareAndCount()
    {
        var rule = new SlowAttemptsRule(slowRatio: 0.4, minimumThroughput: 5);

        // 1 slow of 4 finished, and 1 running past the threshold: 2 slow of 5.
        var decision = rule.Evaluate(new HealthSample(successes: 2, failures: 2, consecutiveFailures: 0, slow: 1, overdue: 1));

        Assert.Equal((true, 0.4, 2), (decision.Trips, decision.FailureRate, decision.FailureCount));
    }
}
