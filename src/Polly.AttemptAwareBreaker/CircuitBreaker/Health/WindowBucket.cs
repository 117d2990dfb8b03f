namespace Polly.AttemptAwareBreaker.CircuitBreaker.Health;

/// <summary>
/// One time slice of a <see cref="SlidingWindow"/>: the statistics of the attempts, operations and rejections it saw, and the
/// successes and failures the trip rules judge. Executed under the state machine's lock.
/// </summary>
internal sealed class WindowBucket
{
    /// <summary>Gets the number of the time slice the bucket holds (timestamp / slice length), or -1 when empty.</summary>
    public long Epoch { get; private set; } = -1;

    /// <summary>Gets a number that identifies this use of the bucket: it changes whenever the bucket is recycled.</summary>
    public long Id { get; private set; }

    /// <summary>Gets the attempts by <see cref="OutcomeClass"/>.</summary>
    public int[] Attempts { get; } = new int[4];

    /// <summary>Gets the operations by the <see cref="OutcomeClass"/> of their latest attempt.</summary>
    public int[] Operations { get; } = new int[4];

    /// <summary>Gets or sets the number of slow attempts (successes and failures that took at least the slow threshold).</summary>
    public int Slow { get; set; }

    /// <summary>Gets or sets the number of rejected calls.</summary>
    public int Rejections { get; set; }

    /// <summary>Gets or sets the successful attempts the trip rules judge (admitted by the circuit's current generation).</summary>
    public int HealthSuccesses { get; set; }

    /// <summary>Gets or sets the failed attempts the trip rules judge (admitted by the circuit's current generation).</summary>
    public int HealthFailures { get; set; }

    /// <summary>Gets or sets the slow successful or failed attempts the trip rules judge (admitted by the circuit's current generation).</summary>
    public int HealthSlow { get; set; }

    /// <summary>Empties the bucket for a new time slice.</summary>
    /// <param name="epoch">The time slice.</param>
    /// <param name="id">The new identity of the bucket.</param>
    public void Recycle(long epoch, long id)
    {
        Epoch = epoch;
        Id = id;
        Array.Clear(Attempts, 0, Attempts.Length);
        Array.Clear(Operations, 0, Operations.Length);
        Rejections = 0;
        Slow = 0;
        HealthSuccesses = 0;
        HealthFailures = 0;
        HealthSlow = 0;
    }
}
