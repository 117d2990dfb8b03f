using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

/// <summary>
/// <see cref="TripRules.Create"/>: which rules a breaker's settings switch on and in which order the state machine evaluates them
/// (the behaviour of the rules in a pipeline is in <c>CircuitBreaker/TripRulesTests</c>).
/// </summary>
public class TripRulesCreateTests
{
    [Fact]
    public void Create_NoConsecutiveFailureThreshold_OnlyTheFailureRatioRule()
    {
        var rules = TripRules.Create(Settings(consecutive: null));

        Assert.IsType<FailureRatioRule>(Assert.Single(rules));
    }

    [Fact]
    public void Create_ConsecutiveFailureThreshold_ConsecutiveRuleBeforeFailureRatioRule()
    {
        var rules = TripRules.Create(Settings(consecutive: 3));

        Assert.Equal([typeof(ConsecutiveFailuresRule), typeof(FailureRatioRule)], rules.Select(r => r.GetType()));
    }

    [Fact]
    public void Create_BothRulesWouldTrip_FirstTrippingRuleIsConsecutiveFailures()
    {
        var rules = TripRules.Create(Settings(consecutive: 3));

        var first = rules.Select(r => r.Evaluate(new HealthSample(successes: 0, failures: 10, consecutiveFailures: 10))).First(d => d.Trips);

        Assert.Equal(CircuitStateChangeReason.ConsecutiveFailures, first.Reason);
    }

    [Fact]
    public void Create_ConsecutiveFailureThreshold_RuleUsesIt()
    {
        var consecutive = TripRules.Create(Settings(consecutive: 3))[0];

        Assert.Equal((false, true), (Trips(consecutive, 0, 2, 2), Trips(consecutive, 0, 3, 3)));
    }

    [Fact]
    public void Create_FailureRatioAndMinimumThroughput_RuleUsesThem()
    {
        var ratio = TripRules.Create(Settings(consecutive: null))[0];

        Assert.Equal((false, false, true), (Trips(ratio, 5, 4, 0), Trips(ratio, 6, 4, 0), Trips(ratio, 5, 5, 0)));
    }

    private static bool Trips(ITripRule rule, long successes, long failures, int consecutive)
        => rule.Evaluate(new HealthSample(successes, failures, consecutive)).Trips;

    private static BreakerSettings Settings(int? consecutive) => BreakerSettings.From(new AttemptAwareCircuitBreakerStrategyOptions<int>
    {
        ConsecutiveFailureThreshold = consecutive,
        FailureRatio = 0.5,
        MinimumThroughput = 10,
    });
}
