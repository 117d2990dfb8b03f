using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polly.AttemptAwareBreaker.Extensions.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Extensions.Tests.DependencyInjection;

public class ConfiguredPipelineTests
{
    private static Dictionary<string, string?> Consecutive(int threshold) => new()
    {
        ["Payments:ConsecutiveFailureThreshold"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Payments:MinimumThroughput"] = "100000",
    };

    [Fact]
    public async Task BoundOptions_ConsecutiveThresholdFromConfiguration_OpensAtThatThreshold()
    {
        using var app = AppServices.WithBreaker(Consecutive(3));

        for (var i = 0; i < 3; i++)
        {
            await app.RunAsync(() => true);
        }

        Assert.Equal(CircuitState.Open, app.Registry.GetSnapshot("payments/AttemptAwareCircuitBreaker").State);
    }

    [Fact]
    public async Task Reload_ConsecutiveThresholdLowered_TakesEffectOnTheNextCall()
    {
        using var app = AppServices.WithBreaker(Consecutive(10));
        await app.RunAsync(() => true);
        await app.RunAsync(() => true);

        app.Reload("Payments:ConsecutiveFailureThreshold", "3");
        await app.RunAsync(() => true);

        Assert.Equal(CircuitState.Open, app.Registry.GetSnapshot("payments/AttemptAwareCircuitBreaker").State);
    }

    [Fact]
    public async Task Reload_WhileOpen_CircuitStaysOpenAndKeepsItsCounts()
    {
        using var app = AppServices.WithBreaker(Consecutive(2));
        await app.RunAsync(() => true);
        await app.RunAsync(() => true);

        app.Reload("Payments:BreakDuration", "00:01:00");
        var outcome = await app.RunAsync(() => false);
        var snapshot = app.Registry.GetSnapshot("payments/AttemptAwareCircuitBreaker");

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(2, snapshot.TotalAttempts.TransientFailures);
        Assert.Equal(1, snapshot.TotalRejections);
    }

    [Fact]
    public async Task Reload_BreakDurationChanged_NextBreakUsesTheNewDurationOnTheInjectedClock()
    {
        using var app = AppServices.WithBreaker(Consecutive(1));
        app.Reload("Payments:BreakDuration", "00:00:20");
        await app.RunAsync(() => true);

        app.Time.Advance(TimeSpan.FromSeconds(19));
        var during = await app.RunAsync(() => false);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await app.RunAsync(() => false);

        Assert.IsType<BrokenCircuitException>(during.Exception);
        Assert.Equal(200, after.Result);
    }

    [Fact]
    public async Task Reload_InvalidValue_FailsNamingTheKeyAndTheRunningBreakerKeepsItsSettings()
    {
        using var app = AppServices.WithBreaker(Consecutive(3));
        _ = app.Resilience;

        var error = Assert.Throws<AggregateException>(() => app.Reload("Payments:FailureRatio", "7"));
        for (var i = 0; i < 3; i++)
        {
            await app.RunAsync(() => true);
        }

        Assert.Contains(
            "Payments:FailureRatio is 7; the allowed range is 0 to 1 (inclusive).",
            Assert.IsType<OptionsValidationException>(Assert.Single(error.Flatten().InnerExceptions)).Message,
            StringComparison.Ordinal);
        Assert.Equal(CircuitState.Open, app.Registry.GetSnapshot("payments/AttemptAwareCircuitBreaker").State);
    }

    [Theory]
    [InlineData("Payments:FailureRatio", "1.5", "Payments:FailureRatio is 1.5; the allowed range is 0 to 1 (inclusive).")]
    [InlineData("Payments:HalfOpenMaxProbes", "0", "Payments:HalfOpenMaxProbes is 0; the allowed range is 1 to 1000 (inclusive).")]
    [InlineData("Payments:SamplingDuration", "00:00:00.100", "Payments:SamplingDuration is 00:00:00.1000000; the allowed range is 00:00:00.5000000 to 1.00:00:00 (inclusive).")]
    public async Task HostStart_InvalidSetting_FailsNamingTheKeyAndRange(string key, string value, string expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddAttemptAwareCircuitBreakerOptions(AppServices.Pipeline, builder.Configuration.GetSection("Payments"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComposedOptions_RetryAndBreakerKeys_BindToTheirStrategies()
    {
        using var app = AppServices.WithRetryAndBreaker(new()
        {
            ["Payments:Retry:MaxRetryAttempts"] = "2",
            ["Payments:Retry:Delay"] = "00:00:00",
            ["Payments:CircuitBreaker:ConsecutiveFailureThreshold"] = "100",
        });

        await app.RunAsync(() => true);

        Assert.Equal(3, app.Registry.GetSnapshot("payments/AttemptAwareCircuitBreaker").TotalAttempts.TransientFailures);
    }
}
