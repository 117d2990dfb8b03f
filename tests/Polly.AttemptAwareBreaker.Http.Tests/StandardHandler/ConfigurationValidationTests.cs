using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Polly.AttemptAwareBreaker.Http.Tests.StandardHandler;

public class ConfigurationValidationTests
{
    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "CircuitBreaker:FailureRatio", "2", "Resilience:CircuitBreaker:FailureRatio is 2; the allowed range is 0 to 1 (inclusive)." },
        { "CircuitBreaker:MinimumThroughput", "1", "Resilience:CircuitBreaker:MinimumThroughput is 1; the allowed range is 2 to int.MaxValue (inclusive)." },
        { "CircuitBreaker:HalfOpenMaxProbes", "0", "Resilience:CircuitBreaker:HalfOpenMaxProbes is 0; the allowed range is 1 to 1000 (inclusive)." },
        { "CircuitBreaker:ConsecutiveFailureThreshold", "0", "Resilience:CircuitBreaker:ConsecutiveFailureThreshold is 0; the allowed range is 1 to int.MaxValue (inclusive)." },
        { "Retry:MaxRetryAttempts", "0", "Resilience:Retry:MaxRetryAttempts is 0; the allowed range is 1 to int.MaxValue (inclusive)." },
        { "Retry:RetryBudget:RetryRatio", "-1", "Resilience:Retry:RetryBudget:RetryRatio is -1;" },
        { "AttemptTimeout:Timeout", "00:00:40", "Resilience:AttemptTimeout:Timeout is 40 s; it must not exceed Resilience:TotalRequestTimeout:Timeout (30 s)" },
        { "CircuitBreaker:SamplingDuration", "00:00:15", "Resilience:CircuitBreaker:SamplingDuration is 15 s; it must be at least twice Resilience:AttemptTimeout:Timeout (10 s)" },
        { "Retry:Delay", "00:00:10", "The retry delays (Resilience:Retry:Delay, Resilience:Retry:BackoffType, Resilience:Retry:MaxRetryAttempts) add up to more than Resilience:TotalRequestTimeout:Timeout (30 s)" },
        { "RateLimiter:DefaultRateLimiterOptions:PermitLimit", "0", "Resilience:RateLimiter:DefaultRateLimiterOptions:PermitLimit is 0; the allowed range is 1 to int.MaxValue (inclusive)." },
        { "CircuitBreaker:SlowAttemptThreshold", "00:00:10", "Resilience:CircuitBreaker:SlowAttemptThreshold is 10 s; it must be below Resilience:AttemptTimeout:Timeout (10 s)" },
        { "CircuitBreaker:SlowAttemptRatio", "1.5", "Resilience:CircuitBreaker:SlowAttemptRatio is 1.5; the allowed range is 0 to 1 (inclusive)." },
        { "CircuitBreaker:AdaptiveThrottling:Multiplier", "0.5", "Resilience:CircuitBreaker:AdaptiveThrottling:Multiplier is 0.5; the allowed range is 1 to 10 (inclusive)." },
        { "CircuitBreaker:RecoveryRampFloor", "0", "Resilience:CircuitBreaker:RecoveryRampFloor is 0; the allowed range is 0.01 to 1 (inclusive)." },
        { "CircuitBreaker:RequestedBreakMinimum", "00:10:00", "Resilience:CircuitBreaker:RequestedBreakMinimum is 00:10:00; it must be at most RequestedBreakMaximum (00:05:00)." },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task HostStart_InvalidSetting_FailsWithTheKeyAndTheAllowedRange(string key, string value, string expected)
    {
        using var host = BuildHost(new() { [$"Resilience:{key}"] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> UnreadableSettings => new()
    {
        { "CircuitBreaker:FailureRatioo", "0.5", "Resilience:CircuitBreaker:FailureRatioo is not a setting; the settings under Resilience:CircuitBreaker are AdaptiveThrottling, BreakDuration, BreakOnRetryAfter, ConsecutiveFailureThreshold, Enforcement, FailureRatio, HalfOpenMaxProbes, HalfOpenSuccessThreshold, MinimumThroughput, Name, RecoveryRampDuration, RecoveryRampFloor, RequestedBreakMaximum, RequestedBreakMinimum, SamplingDuration, SlowAttemptRatio, SlowAttemptThreshold." },
        { "Retries", "3", "Resilience:Retries is not a setting; the settings under Resilience are AttemptTimeout, CircuitBreaker, RateLimiter, Retry, TotalRequestTimeout." },
        { "Retry:ShouldHandle", "x", "Resilience:Retry:ShouldHandle is not a setting; the settings under Resilience:Retry are BackoffType, Delay, MaxDelay, MaxRetryAttempts, RetryBudget, ShouldRetryAfterHeader, UseJitter." },
        { "Retry:RetryBudget:Ratio", "0.1", "Resilience:Retry:RetryBudget:Ratio is not a setting; the settings under Resilience:Retry:RetryBudget are MinRetriesPerSecond, RetryRatio, Window." },
        { "Retry:MaxRetryAttempts", "three", "Resilience:Retry:MaxRetryAttempts is 'three'; it must be a whole number." },
        { "Retry:BackoffType", "Quadratic", "Resilience:Retry:BackoffType is 'Quadratic'; it must be one of Constant, Linear, Exponential." },
        { "CircuitBreaker:Enforcement", "DryRun", "Resilience:CircuitBreaker:Enforcement is 'DryRun'; it must be one of Enforcing, Shadow." },
        { "Retry:UseJitter", "yes", "Resilience:Retry:UseJitter is 'yes'; it must be true or false." },
        { "CircuitBreaker:FailureRatio", "half", "Resilience:CircuitBreaker:FailureRatio is 'half'; it must be a number such as 0.5." },
        { "AttemptTimeout:Timeout", "5s", "Resilience:AttemptTimeout:Timeout is '5s'; it must be a duration as [days.]hours:minutes:seconds[.fraction], such as 00:00:30 or 1.00:00:00." },
    };

    [Theory]
    [MemberData(nameof(UnreadableSettings))]
    public async Task HostStart_UnknownKeyOrUnreadableValue_FailsWithTheFullKeyAndWhatIsAllowed(string key, string value, string expected)
    {
        using var host = BuildHost(new() { [$"Resilience:{key}"] = value });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task HostStart_TwoUnreadableValues_OneLineNamesBoth()
    {
        using var host = BuildHost(new() { ["Resilience:Retry:UseJitter"] = "yes", ["Resilience:Retry:MaxRetryAttempts"] = "three" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("Resilience:Retry:UseJitter is 'yes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resilience:Retry:MaxRetryAttempts is 'three'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_SectionWrittenForMicrosoftsStandardHandler_BindsAndStarts()
    {
        using var host = BuildHost(new()
        {
            ["Resilience:RateLimiter:DefaultRateLimiterOptions:PermitLimit"] = "500",
            ["Resilience:TotalRequestTimeout:Timeout"] = "00:00:20",
            ["Resilience:Retry:MaxRetryAttempts"] = "2",
            ["Resilience:Retry:BackoffType"] = "Linear",
            ["Resilience:Retry:ShouldRetryAfterHeader"] = "false",
            ["Resilience:CircuitBreaker:FailureRatio"] = "0.2",
            ["Resilience:CircuitBreaker:MinimumThroughput"] = "20",
            ["Resilience:CircuitBreaker:SamplingDuration"] = "00:00:30",
            ["Resilience:CircuitBreaker:BreakDuration"] = "00:00:10",
            ["Resilience:AttemptTimeout:Timeout"] = "00:00:05",
        });

        await host.StartAsync(TestContext.Current.CancellationToken);
        var options = host.Services.GetRequiredService<IOptionsMonitor<HttpAttemptAwareResilienceOptions>>().Get("downstream-attempt-aware");

        Assert.Equal(0.2, options.CircuitBreaker.FailureRatio);
        Assert.Equal(DelayBackoffType.Linear, options.Retry.BackoffType);
        Assert.False(options.Retry.ShouldRetryAfterHeader);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHttpClient("downstream").AddAttemptAwareResilienceHandler(builder.Configuration.GetSection("Resilience"));
        return builder.Build();
    }
}
