using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

/// <summary>
/// <see cref="TripRuleSet"/>: which rules a breaker's settings switch on and in which order the state machine evaluates them
/// (the behaviour of the rules in a pipeline is in <c>CircuitBreaker/TripRulesTests</c>).
/// </summary>
public class TripRuleSetTests
{
    [Fact]
    public void Constructor_NoConsecutiveFailureThreshold_OnlyTheFailureRatioRule()
    {
        var rules = new TripRuleSet(Settings(consecutive: null)).Rules;

        Assert.IsType<FailureRatioRule>(Assert.Single(rules));
    }

    [Fact]
    public void Constructor_ConsecutiveFailureThreshold_ConsecutiveRuleBeforeFailureRatioRule()
    {
        var rules = new TripRuleSet(Settings(consecutive: 3)).Rules;

        Assert.Equal([typeof(ConsecutiveFailuresRule), typeof(FailureRatioRule)], rules.Select(r => r.GetType()));
    }

    [Fact]
    public void Constructor_BothRulesWouldTrip_FirstTrippingRuleIsConsecutiveFailures()
    {
        var rules = new TripRuleSet(Settings(consecutive: 3)).Rules;

        var first = rules.Select(r => r.Evaluate(new HealthSample(successes: 0, failures: 10, consecutiveFailures: 10))).First(d => d.Trips);

        Assert.Equal(CircuitStateChangeReason.ConsecutiveFailures, first.Reason);
    }

    [Fact]
    public void Constructor_ConsecutiveFailureThreshold_RuleUsesIt()
    {
        var consecutive = new TripRuleSet(Settings(consecutive: 3)).Rules[0];

        Assert.Equal((false, true), (Trips(consecutive, 0, 2, 2), Trips(consecutive, 0, 3, 3)));
    }

    [Fact]
    public void Constructor_FailureRatioAndMinimumThroughput_RuleUsesThem()
    {
        var ratio = new TripRuleSet(Settings(consecutive: null)).Rules[0];

        Assert.Equal((false, false, true), (Trips(ratio, 5, 4, 0), Trips(ratio, 6, 4, 0), Trips(ratio, 5, 5, 0)));
    }

    [Fact]
    public void Constructor_RampAndSlowRule_EvaluatedAfterTheBinaryRules()
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            ConsecutiveFailureThreshold = 3,
            RecoveryRampDuration = TimeSpan.FromSeconds(10),
            SlowAttemptThreshold = TimeSpan.FromSeconds(1),
        };

        var rules = new TripRuleSet(BreakerSettings.From(options)).Rules;

        Assert.Equal(
            [typeof(ConsecutiveFailuresRule), typeof(FailureRatioRule), typeof(RecoveryRampRule), typeof(SlowAttemptsRule)],
            rules.Select(r => r.GetType()));
    }

    [Fact]
    public void Judge_NoRuleTrips_ReturnsNone()
    {
        var set = new TripRuleSet(Settings(consecutive: 3));

        Assert.False(set.Judge(new HealthSample(successes: 100, failures: 2, consecutiveFailures: 2)).Trips);
    }

    [Fact]
    public void Judge_TwoRulesTrip_ReturnsTheFirstOnesVerdict()
    {
        var set = new TripRuleSet(Settings(consecutive: 3));

        Assert.Equal(CircuitStateChangeReason.ConsecutiveFailures, set.Judge(new HealthSample(successes: 0, failures: 10, consecutiveFailures: 10)).Reason);
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
