using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The retry half of the composed retry + attempt-aware breaker. The shape and defaults follow Polly's
/// <see cref="RetryStrategyOptions{TResult}"/>, less <c>ShouldHandle</c>: whether an outcome is retried is decided by the breaker's
/// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.Classifier"/> (only <see cref="OutcomeClass.TransientFailure"/> is retried).
/// </summary>
/// <typeparam name="TResult">The type of result.</typeparam>
public class AttemptAwareRetryStrategyOptions<TResult>
{
    /// <summary>
    /// Gets or sets the maximum number of retries after the first attempt.
    /// </summary>
    /// <value>The default value is 3, as in Polly. The value must be between 1 and <see cref="int.MaxValue"/>.</value>
    [ValueRange(1, int.MaxValue)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>
    /// Gets or sets the type of the back-off: constant, linear or exponential.
    /// </summary>
    /// <value>The default value is <see cref="DelayBackoffType.Constant"/>, as in Polly.</value>
    [EnumDataType(typeof(DelayBackoffType))]
    public DelayBackoffType BackoffType { get; set; } = DelayBackoffType.Constant;

    /// <summary>
    /// Gets or sets a value indicating whether a random jitter is added to the delays.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseJitter { get; set; }

    /// <summary>
    /// Gets or sets the base delay between retries.
    /// </summary>
    /// <value>The default value is 2 seconds, as in Polly. The value must be between 0 and 1 day.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets the longest delay between retries, whatever the back-off or the delay generator computes.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no cap). When set, it must be between 0 and 1 day.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan? MaxDelay { get; set; }

    /// <summary>
    /// Gets or sets a generator of the delay before a retry (for example from a <c>Retry-After</c> header).
    /// When it returns <see langword="null"/> or a negative value, the back-off computes the delay.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<RetryDelayGeneratorArguments<TResult>, ValueTask<TimeSpan?>>? DelayGenerator { get; set; }

    /// <summary>
    /// Gets or sets a further condition on retries, asked only for attempts the classifier marked
    /// <see cref="OutcomeClass.TransientFailure"/>: return <see langword="false"/> to end the operation with that outcome instead
    /// (for example for requests that are not safe to send twice). The breaker has already counted the attempt either way.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: every transient failure is retried.</value>
    public Func<RetryPredicateArguments<TResult>, ValueTask<bool>>? ShouldRetry { get; set; }

    /// <summary>
    /// Gets or sets the event raised before every retry, with the failed attempt's outcome and number.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<OnRetryArguments<TResult>, ValueTask>? OnRetry { get; set; }

    /// <summary>
    /// Gets or sets the retry budget, which caps retries at a share of first attempts. <see langword="null"/> switches the budget off.
    /// </summary>
    /// <value>The default is a budget of 20 % of first attempts plus 10 retries per second over a 10-second window.</value>
    public RetryBudgetOptions? RetryBudget { get; set; } = new();

    /// <summary>
    /// Gets or sets the source of randomness for the jitter, returning values in [0, 1). Meant for tests.
    /// </summary>
    /// <value>The default is a thread-safe shared random generator. This property is required.</value>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Required]
    public Func<double> Randomizer { get; set; } = RandomSource.NextDouble;
}
