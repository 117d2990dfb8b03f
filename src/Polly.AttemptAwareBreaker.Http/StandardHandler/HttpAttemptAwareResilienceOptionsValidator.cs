using Microsoft.Extensions.Options;
using Polly.AttemptAwareBreaker.Retry;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Validates the handler's options at start-up: every setting against its allowed range (named by its configuration key), and the
/// cross-checks between strategies that only make sense together.
/// </summary>
internal sealed class HttpAttemptAwareResilienceOptionsValidator : IValidateOptions<HttpAttemptAwareResilienceOptions>
{
    private const int SamplingToAttemptTimeoutRatio = 2;
    private readonly string _optionsName;

    public HttpAttemptAwareResilienceOptionsValidator(string optionsName) => _optionsName = optionsName;

    /// <summary>Gets or sets the configuration section the options are bound from, which prefixes the keys in messages.</summary>
    public string? SectionPath { get; set; }

    public ValidateOptionsResult Validate(string? name, HttpAttemptAwareResilienceOptions options)
    {
        if (!string.Equals(name, _optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        CheckMembers(options.RateLimiter, nameof(options.RateLimiter), errors);
        CheckConcurrencyLimit(options, errors);
        CheckMembers(options.TotalRequestTimeout, nameof(options.TotalRequestTimeout), errors);
        CheckMembers(options.Retry, nameof(options.Retry), errors);
        if (options.Retry?.RetryBudget is { } budget)
        {
            CheckMembers(budget, $"{nameof(options.Retry)}:{nameof(options.Retry.RetryBudget)}", errors);
        }

        CheckMembers(options.CircuitBreaker, nameof(options.CircuitBreaker), errors);
        CheckMembers(options.AttemptTimeout, nameof(options.AttemptTimeout), errors);
        if (errors.Count == 0)
        {
            CheckAcrossStrategies(options, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static TimeSpan NominalRetryDelays(HttpAttemptAwareRetryStrategyOptions retry, TimeSpan limit)
    {
        var total = TimeSpan.Zero;
        for (var attempt = 0; attempt < retry.MaxRetryAttempts && total <= limit; attempt++)
        {
            total += RetryDelays.Compute(retry.BackoffType, jitter: false, attempt, retry.Delay, retry.MaxDelay, retry.Randomizer);
        }

        return total;
    }

    private void CheckConcurrencyLimit(HttpAttemptAwareResilienceOptions options, List<string> errors)
    {
        // The default limiter's settings carry no validation attributes of their own; the limiter would throw on first use.
        if (options.RateLimiter?.DefaultRateLimiterOptions is not { } limits)
        {
            return;
        }

        if (limits.PermitLimit < 1)
        {
            errors.Add($"{Key("RateLimiter:DefaultRateLimiterOptions:PermitLimit")} is {limits.PermitLimit}; the allowed range is 1 to int.MaxValue (inclusive).");
        }

        if (limits.QueueLimit < 0)
        {
            errors.Add($"{Key("RateLimiter:DefaultRateLimiterOptions:QueueLimit")} is {limits.QueueLimit}; the allowed range is 0 to int.MaxValue (inclusive).");
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s";

    private void CheckAcrossStrategies(HttpAttemptAwareResilienceOptions options, List<string> errors)
    {
        var total = options.TotalRequestTimeout.Timeout;
        var attempt = options.AttemptTimeout.Timeout;
        if (attempt > total)
        {
            errors.Add($"{Key("AttemptTimeout:Timeout")} is {Seconds(attempt)}; it must not exceed {Key("TotalRequestTimeout:Timeout")} ({Seconds(total)}), " +
                "or the total timeout would cut the first attempt short.");
        }

        var sampling = options.CircuitBreaker.SamplingDuration;
        if (sampling < TimeSpan.FromTicks(attempt.Ticks * SamplingToAttemptTimeoutRatio))
        {
            errors.Add($"{Key("CircuitBreaker:SamplingDuration")} is {Seconds(sampling)}; it must be at least twice {Key("AttemptTimeout:Timeout")} " +
                $"({Seconds(attempt)}), so that the window holds the outcomes of attempts that run to their timeout.");
        }

        if (options.CircuitBreaker.SlowAttemptThreshold is { } slow && slow >= attempt)
        {
            errors.Add($"{Key("CircuitBreaker:SlowAttemptThreshold")} is {Seconds(slow)}; it must be below {Key("AttemptTimeout:Timeout")} " +
                $"({Seconds(attempt)}), or an attempt would time out before it could count as slow.");
        }

        if (NominalRetryDelays(options.Retry, total) is var delays && delays > total)
        {
            errors.Add($"The retry delays ({Key("Retry:Delay")}, {Key("Retry:BackoffType")}, {Key("Retry:MaxRetryAttempts")}) add up to more than " +
                $"{Key("TotalRequestTimeout:Timeout")} ({Seconds(total)}); lower them or raise the total timeout.");
        }
    }

    private void CheckMembers(object? options, string section, List<string> errors)
        => OptionsValidation.CollectErrors(options, Key(section), errors);

    private string Key(string relative) => SectionPath is { Length: > 0 } path ? $"{path}:{relative}" : relative;
}
