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
    public void AddAttemptAwareCircuitBreaker_NullOptions_ThrowsArgumentNullException()
        => Assert.Throws<ArgumentNullException>("options", () => new ResiliencePipelineBuilder().AddAttemptAwareCircuitBreaker((AttemptAwareCircuitBreakerStrategyOptions)null!));

    [Fact]
    public void AddAttemptAwareCircuitBreaker_NullBuilder_ThrowsArgumentNullException()
        => Assert.Throws<ArgumentNullException>("builder", () => ((ResiliencePipelineBuilder)null!).AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions()));
}
