namespace Polly.AttemptAwareBreaker;

/// <summary>
/// A retry budget in the shape Finagle and Envoy use: retries may add at most <see cref="RetryRatio"/> of the first attempts,
/// plus <see cref="MinRetriesPerSecond"/> so that low traffic can still retry. It bounds both the extra load retries put on a
/// struggling downstream and the share of retried attempts in the breaker's window.
/// </summary>
public class RetryBudgetOptions
{
    /// <summary>
    /// Gets or sets the share of first attempts that may be retried: each first attempt earns this many retries.
    /// </summary>
    /// <value>The default value is 0.2 (20 %). The value must be between 0 and 10.</value>
    [ValueRange(0.0, 10.0)]
    public double RetryRatio { get; set; } = 0.2;

    /// <summary>
    /// Gets or sets the retries per second always allowed, whatever the traffic.
    /// </summary>
    /// <value>The default value is 10. The value must be between 0 and 100000.</value>
    [ValueRange(0, 100_000)]
    public int MinRetriesPerSecond { get; set; } = 10;

    /// <summary>
    /// Gets or sets how long earned retries stay available: the budget never holds more than the retries earned by the first attempts
    /// of this window plus <see cref="MinRetriesPerSecond"/> times the window.
    /// </summary>
    /// <value>The default value is 10 seconds. The value must be between 1 second and 1 hour.</value>
    [ValueRange(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
