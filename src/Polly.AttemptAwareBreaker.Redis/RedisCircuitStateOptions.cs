using System.ComponentModel.DataAnnotations;

namespace Polly.AttemptAwareBreaker.Redis;

/// <summary>
/// How a breaker shares its circuit through Redis.
/// </summary>
public class RedisCircuitStateOptions
{
    /// <summary>
    /// Gets or sets the prefix of every key and channel, so several applications can share one Redis.
    /// </summary>
    /// <value>The default is <c>polly-aab</c>. Required, 1 to 100 characters.</value>
    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string KeyPrefix { get; set; } = "polly-aab";

    /// <summary>
    /// Gets or sets how often the local counts are sent to Redis and the fleet's counts read back (one round trip, off the call path).
    /// A fleet-wide trip lags the calls that cause it by at most about one interval: each instance adds at most the calls it makes in
    /// one interval beyond the threshold.
    /// </summary>
    /// <value>The default is 100 milliseconds. Allowed: 10 ms to 10 s.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets how long a half-open probe waits for Redis to grant a fleet-wide probe slot before the breaker decides alone.
    /// </summary>
    /// <value>The default is 250 milliseconds. Allowed: 1 ms to 10 s.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets this process's identity in the fleet (it marks the probe slots it holds and the openings it publishes).
    /// </summary>
    /// <value>The default is a new GUID per options instance. Required.</value>
    [Required]
    public string InstanceId { get; set; } = Guid.NewGuid().ToString("N");
}
