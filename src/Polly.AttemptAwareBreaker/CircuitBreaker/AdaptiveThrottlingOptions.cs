namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Client-side adaptive throttling (Google SRE book, "Handling Overload"): while the circuit is closed, each attempt is rejected locally
/// with probability max(0, (requests − <see cref="Multiplier"/> × accepts) / (requests + 1)), at most <see cref="MaxRejectionProbability"/>,
/// over the attempts of the last <see cref="Window"/>. Requests are the attempts made and the attempts rejected here; accepts are the
/// successful attempts; ignored outcomes count neither way. A rejected attempt fails like one an open circuit rejects
/// (<see cref="Polly.CircuitBreaker.BrokenCircuitException"/> with a short <c>RetryAfter</c>) and is never retried.
/// </summary>
/// <remarks>
/// Against a downstream that serves fewer requests the more it is sent beyond its capacity, the attempts it gets settle near
/// <see cref="Multiplier"/> × what it accepts: a smaller multiplier protects it more and keeps more of its goodput (2 sends up to twice
/// what it can serve; 1.2 sends 20 % more).
/// </remarks>
public class AdaptiveThrottlingOptions
{
    /// <summary>
    /// Gets or sets K, how many requests per accepted one the client keeps sending before it rejects locally.
    /// </summary>
    /// <value>The default value is 2, as the SRE book suggests. The value must be between 1 and 10.</value>
    [ValueRange(1.0, 10.0)]
    public double Multiplier { get; set; } = 2.0;

    /// <summary>
    /// Gets or sets the length of the sliding window the requests and accepts are counted over.
    /// </summary>
    /// <value>The default value is 10 seconds. The value must be between 1 second and 1 hour.</value>
    [ValueRange(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the number of requests in the window below which nothing is rejected.
    /// </summary>
    /// <value>The default value is 20. The value must be 0 or greater.</value>
    [ValueRange(0, int.MaxValue)]
    public int MinimumRequests { get; set; } = 20;

    /// <summary>
    /// Gets or sets the highest probability of rejecting an attempt, so some attempts always reach the downstream and show it recovering.
    /// </summary>
    /// <value>The default value is 0.8 (80 %), as Envoy's admission control. The value must be between 0 and 0.99.</value>
    [ValueRange(0.0, 0.99)]
    public double MaxRejectionProbability { get; set; } = 0.8;
}
