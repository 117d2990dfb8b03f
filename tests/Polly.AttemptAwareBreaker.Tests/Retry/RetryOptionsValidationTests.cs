using System.ComponentModel.DataAnnotations;

namespace Polly.AttemptAwareBreaker.Tests.Retry;

public class RetryOptionsValidationTests
{
    public static TheoryData<Action<AttemptAwareRetryStrategyOptions<int>>, string> InvalidOptions => new()
    {
        { o => o.MaxRetryAttempts = 0, "MaxRetryAttempts is 0; the allowed range is 1 to int.MaxValue" },
        { o => o.Delay = TimeSpan.FromSeconds(-1), "Delay is -00:00:01; the allowed range is 00:00:00 to 1.00:00:00" },
        { o => o.MaxDelay = TimeSpan.FromDays(2), "MaxDelay is 2.00:00:00; the allowed range is 00:00:00 to 1.00:00:00" },
        { o => o.BackoffType = (DelayBackoffType)7, "BackoffType" },
        { o => o.Randomizer = null!, "Randomizer" },
        { o => o.RetryBudget = new() { RetryRatio = -0.5 }, "RetryRatio is -0.5; the allowed range is 0 to 10" },
        { o => o.RetryBudget = new() { MinRetriesPerSecond = -1 }, "MinRetriesPerSecond is -1; the allowed range is 0 to 100000" },
        { o => o.RetryBudget = new() { Window = TimeSpan.FromMilliseconds(10) }, "Window is 00:00:00.0100000; the allowed range is 00:00:01 to 01:00:00" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void AddAttemptAwareRetryAndCircuitBreaker_InvalidRetryOption_ThrowsValidationExceptionNamingIt(Action<AttemptAwareRetryStrategyOptions<int>> breakIt, string expected)
    {
        var retry = new AttemptAwareRetryStrategyOptions<int>();
        breakIt(retry);

        var ex = Assert.Throws<ValidationException>(
            () => new ResiliencePipelineBuilder<int>().AddAttemptAwareRetryAndCircuitBreaker(retry, new AttemptAwareCircuitBreakerStrategyOptions<int>()));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAttemptAwareRetryAndCircuitBreaker_InvalidBreakerOption_ThrowsValidationException()
    {
        var ex = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder<int>().AddAttemptAwareRetryAndCircuitBreaker(
            new AttemptAwareRetryStrategyOptions<int>(),
            new AttemptAwareCircuitBreakerStrategyOptions<int> { HalfOpenMaxProbes = 0 }));

        Assert.Contains("HalfOpenMaxProbes is 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttemptAwareRetryStrategyOptions_Defaults_MatchPollyRetryDefaults()
    {
        var ours = new AttemptAwareRetryStrategyOptions<int>();
        var polly = new Polly.Retry.RetryStrategyOptions<int>();

        Assert.Equal(
            (polly.MaxRetryAttempts, polly.BackoffType, polly.UseJitter, polly.Delay, polly.MaxDelay),
            (ours.MaxRetryAttempts, ours.BackoffType, ours.UseJitter, ours.Delay, ours.MaxDelay));
        Assert.Equal(0.2, ours.RetryBudget!.RetryRatio);
        Assert.Equal(10, ours.RetryBudget.MinRetriesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), ours.RetryBudget.Window);
    }

    [Fact]
    public void AddAttemptAwareRetryAndCircuitBreaker_NullRetry_ThrowsArgumentNullException()
        => Assert.Throws<ArgumentNullException>("retry", () => new ResiliencePipelineBuilder<int>().AddAttemptAwareRetryAndCircuitBreaker(null!, new AttemptAwareCircuitBreakerStrategyOptions<int>()));

    [Fact]
    public void AddAttemptAwareRetryAndCircuitBreaker_NonGenericNullBuilderAndNullOptions_NamesTheBuilder()
        => Assert.Throws<ArgumentNullException>("builder", () => AttemptAwareRetryResiliencePipelineBuilderExtensions.AddAttemptAwareRetryAndCircuitBreaker(null!, new AttemptAwareRetryStrategyOptions(), null!));
}
