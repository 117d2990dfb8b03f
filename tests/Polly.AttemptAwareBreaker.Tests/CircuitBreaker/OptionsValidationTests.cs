using System.ComponentModel.DataAnnotations;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class OptionsValidationTests
{
    public static TheoryData<string, Action<AttemptAwareCircuitBreakerStrategyOptions<int>>, string> InvalidOptions => new()
    {
        { "FailureRatio", o => o.FailureRatio = -0.1, "FailureRatio is -0.1; the allowed range is 0 to 1" },
        { "FailureRatio", o => o.FailureRatio = 1.5, "FailureRatio is 1.5; the allowed range is 0 to 1" },
        { "MinimumThroughput", o => o.MinimumThroughput = 1, "MinimumThroughput is 1; the allowed range is 2 to int.MaxValue" },
        { "SamplingDuration", o => o.SamplingDuration = TimeSpan.FromMilliseconds(499), "SamplingDuration is 00:00:00.4990000; the allowed range is 00:00:00.5000000 to 1.00:00:00" },
        { "SamplingDuration", o => o.SamplingDuration = TimeSpan.FromDays(2), "SamplingDuration is 2.00:00:00" },
        { "BreakDuration", o => o.BreakDuration = TimeSpan.FromMilliseconds(100), "BreakDuration is 00:00:00.1000000; the allowed range is 00:00:00.5000000 to 1.00:00:00" },
        { "ConsecutiveFailureThreshold", o => o.ConsecutiveFailureThreshold = 0, "ConsecutiveFailureThreshold is 0; the allowed range is 1 to int.MaxValue" },
        { "HalfOpenMaxProbes", o => o.HalfOpenMaxProbes = 0, "HalfOpenMaxProbes is 0; the allowed range is 1 to 1000" },
        { "HalfOpenMaxProbes", o => o.HalfOpenMaxProbes = 1001, "HalfOpenMaxProbes is 1001" },
        { "HalfOpenSuccessThreshold", o => o.HalfOpenSuccessThreshold = 0, "HalfOpenSuccessThreshold is 0; the allowed range is 1 to 1000" },
        { "Classifier", o => o.Classifier = null!, "Classifier" },
        { "SlowAttemptThreshold", o => o.SlowAttemptThreshold = TimeSpan.Zero, "SlowAttemptThreshold is 00:00:00; the allowed range is 00:00:00.0010000 to 1.00:00:00" },
        { "SlowAttemptRatio", o => o.SlowAttemptRatio = 1.01, "SlowAttemptRatio is 1.01; the allowed range is 0 to 1" },
        { "RecoveryRampDuration", o => o.RecoveryRampDuration = TimeSpan.FromMilliseconds(400), "RecoveryRampDuration is 00:00:00.4000000; the allowed range is 00:00:00.5000000 to 1.00:00:00" },
        { "RecoveryRampFloor", o => o.RecoveryRampFloor = 0, "RecoveryRampFloor is 0; the allowed range is 0.01 to 1" },
        { "Randomizer", o => o.Randomizer = null!, "Randomizer" },
        { "AdaptiveThrottling.Multiplier", o => o.AdaptiveThrottling = new() { Multiplier = 0.9 }, "AdaptiveThrottling.Multiplier is 0.9; the allowed range is 1 to 10" },
        { "AdaptiveThrottling.Window", o => o.AdaptiveThrottling = new() { Window = TimeSpan.FromMilliseconds(999) }, "AdaptiveThrottling.Window is 00:00:00.9990000; the allowed range is 00:00:01 to 01:00:00" },
        { "AdaptiveThrottling.MinimumRequests", o => o.AdaptiveThrottling = new() { MinimumRequests = -1 }, "AdaptiveThrottling.MinimumRequests is -1; the allowed range is 0 to int.MaxValue" },
        { "AdaptiveThrottling.MaxRejectionProbability", o => o.AdaptiveThrottling = new() { MaxRejectionProbability = 1 }, "AdaptiveThrottling.MaxRejectionProbability is 1; the allowed range is 0 to 0.99" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void AddAttemptAwareCircuitBreaker_InvalidOption_ThrowsValidationExceptionNamingIt(string property, Action<AttemptAwareCircuitBreakerStrategyOptions<int>> breakIt, string expected)
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int>();
        breakIt(options);

        var ex = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(options));

        Assert.Contains(property, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAttemptAwareCircuitBreaker_DefaultOptions_MatchPollyDefaults()
    {
        var ours = new AttemptAwareCircuitBreakerStrategyOptions<int>();
        var polly = new CircuitBreakerStrategyOptions<int>();

        Assert.Equal(
            (polly.FailureRatio, polly.MinimumThroughput, polly.SamplingDuration, polly.BreakDuration),
            (ours.FailureRatio, ours.MinimumThroughput, ours.SamplingDuration, ours.BreakDuration));
        Assert.Null(ours.ConsecutiveFailureThreshold);
        Assert.Equal(1, ours.HalfOpenMaxProbes);
        Assert.Equal(1, ours.HalfOpenSuccessThreshold);
    }

    [Fact]
    public void Constructor_PartialFailureRules_AreOffByDefault()
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int>();

        Assert.Equal((null, 1.0, null, null, 0.1), (options.SlowAttemptThreshold, options.SlowAttemptRatio, options.AdaptiveThrottling, options.RecoveryRampDuration, options.RecoveryRampFloor));
    }

    [Fact]
    public void Constructor_AdaptiveThrottlingDefaults_AreTheSreBooksMultiplierAndEnvoysCap()
    {
        var throttling = new AdaptiveThrottlingOptions();

        Assert.Equal((2.0, TimeSpan.FromSeconds(10), 20, 0.8), (throttling.Multiplier, throttling.Window, throttling.MinimumRequests, throttling.MaxRejectionProbability));
    }

    [Fact]
    public void AddAttemptAwareRetryAndCircuitBreaker_InvalidNestedThrottling_ThrowsValidationExceptionNamingIt()
    {
        var breaker = new AttemptAwareCircuitBreakerStrategyOptions<int> { AdaptiveThrottling = new() { Multiplier = 11 } };

        var ex = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder<int>().AddAttemptAwareRetryAndCircuitBreaker(new(), breaker));

        Assert.Contains("AdaptiveThrottling.Multiplier is 11; the allowed range is 1 to 10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAttemptAwareCircuitBreaker_NullOptions_ThrowsArgumentNullException()
        => Assert.Throws<ArgumentNullException>("options", () => new ResiliencePipelineBuilder().AddAttemptAwareCircuitBreaker((AttemptAwareCircuitBreakerStrategyOptions)null!));

    [Fact]
    public void AddAttemptAwareCircuitBreaker_NullBuilder_ThrowsArgumentNullException()
        => Assert.Throws<ArgumentNullException>("builder", () => ((ResiliencePipelineBuilder)null!).AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions()));
}
