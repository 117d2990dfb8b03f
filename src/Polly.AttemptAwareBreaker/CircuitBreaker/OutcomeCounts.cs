namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Counts of outcomes by class: of downstream attempts, or of operations (an operation is one call through the pipeline,
/// with all its retries; it is counted once, in the class of its latest attempt).
/// </summary>
public readonly struct OutcomeCounts : IEquatable<OutcomeCounts>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="OutcomeCounts"/> struct.
    /// </summary>
    /// <param name="successes">The number of successes.</param>
    /// <param name="transientFailures">The number of transient failures.</param>
    /// <param name="permanentFailures">The number of permanent failures.</param>
    /// <param name="ignored">The number of ignored outcomes.</param>
    public OutcomeCounts(long successes, long transientFailures, long permanentFailures, long ignored)
    {
        Successes = successes;
        TransientFailures = transientFailures;
        PermanentFailures = permanentFailures;
        Ignored = ignored;
    }

    /// <summary>Gets the number of successes.</summary>
    public long Successes { get; }

    /// <summary>Gets the number of transient failures.</summary>
    public long TransientFailures { get; }

    /// <summary>Gets the number of permanent (non-transient) failures.</summary>
    public long PermanentFailures { get; }

    /// <summary>Gets the number of failures of both kinds.</summary>
    public long Failures => TransientFailures + PermanentFailures;

    /// <summary>Gets the number of ignored outcomes: counted neither as success nor as failure.</summary>
    public long Ignored { get; }

    /// <summary>Gets the number of all outcomes: <see cref="Successes"/> + <see cref="Failures"/> + <see cref="Ignored"/>.</summary>
    public long Total => Successes + Failures + Ignored;

    /// <summary>
    /// Gets the count of the given class.
    /// </summary>
    /// <param name="outcomeClass">The class.</param>
    /// <returns>The count.</returns>
    public long this[OutcomeClass outcomeClass] => outcomeClass switch
    {
        OutcomeClass.Success => Successes,
        OutcomeClass.TransientFailure => TransientFailures,
        OutcomeClass.PermanentFailure => PermanentFailures,
        OutcomeClass.Ignored => Ignored,
        _ => 0,
    };

    /// <summary>Compares two counts.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(OutcomeCounts left, OutcomeCounts right) => left.Equals(right);

    /// <summary>Compares two counts.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when not equal.</returns>
    public static bool operator !=(OutcomeCounts left, OutcomeCounts right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(OutcomeCounts other)
        => Successes == other.Successes && TransientFailures == other.TransientFailures
        && PermanentFailures == other.PermanentFailures && Ignored == other.Ignored;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is OutcomeCounts other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
        => (Successes, TransientFailures, PermanentFailures, Ignored).GetHashCode();

    /// <inheritdoc/>
    public override string ToString()
        => $"successes {Successes}, transient failures {TransientFailures}, permanent failures {PermanentFailures}, ignored {Ignored}";
}
