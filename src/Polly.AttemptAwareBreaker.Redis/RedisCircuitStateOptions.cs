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
    /// Gets or sets how often this instance's window is written to Redis and the other instances' read back (one round trip, off the call
    /// path). A fleet-wide trip lags the calls that cause it by at most about one interval: each instance adds at most the calls it makes
    /// in one interval beyond the threshold. An instance that has not written for max(1 s, 5 intervals) × 2 is left out of the fleet.
    /// </summary>
    /// <value>The default is 100 milliseconds. Allowed: 10 ms to 10 s.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets how long a half-open probe waits for Redis to grant a fleet-wide probe slot. Without the slot in time the probe is
    /// refused (other instances may be probing through Redis), and so are the probes that follow until a flush reaches Redis again;
    /// after a whole sampling duration without Redis, the breaker probes on its own.
    /// </summary>
    /// <value>The default is 250 milliseconds. Allowed: 1 ms to 10 s.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the fleet's quorum: how many instances must each be failing on their own attempts for the circuit to open for every
    /// instance. While fewer are failing, an instance whose own attempts trip the breaker's rules opens only its own circuit (its
    /// callers fail fast) and the others keep calling: one instance with a problem of its own (its network, its DNS, a bad deploy) cannot
    /// open the circuit of instances that reach the downstream fine. An instance is failing when its own attempts in its window would
    /// trip the rules with half its even share of the minimum throughput (at least 2 attempts), or its own run of
    /// failures reaches the consecutive threshold (see <see cref="FleetQuorum"/>); once enough are, the rules judge the fleet's summed
    /// counts, so a hard outage seen by every instance trips as early as with quorum 1. With 1, any instance whose counts, added to the
    /// fleet's, trip the rules opens every instance's circuit.
    /// </summary>
    /// <value>
    /// The default is 2: a single failing instance never opens the fleet, and a fleet of one instance behaves as an unshared breaker.
    /// Allowed: 1 to 1000.
    /// </value>
    [ValueRange(1, 1000)]
    public int MinimumFailingInstances { get; set; } = 2;

    /// <summary>
    /// Gets or sets this process's identity in the fleet (it marks the probe slots it holds and the openings it publishes).
    /// </summary>
    /// <value>The default is a new GUID per options instance. Required.</value>
    [Required]
    public string InstanceId { get; set; } = Guid.NewGuid().ToString("N");
}
