using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The circuit's state and generation, packed in one word that the closed-path admission reads without the lock: the generation,
/// whether a closed circuit must decide admissions under the lock (a rule needs to see each one), and the state. Written only under the
/// state machine's lock.
/// </summary>
internal sealed class StateWord
{
    private const int StateBits = 4;
    private const long StateMask = 0b0111;
    private const long GuardedBit = 0b1000;

    private long _word;
    private bool _guarded;

    /// <summary>Gets the state; read under the lock.</summary>
    public CircuitState State { get; private set; }

    /// <summary>Gets the current generation: every transition starts a new one. Read under the lock.</summary>
    public long Generation { get; private set; }

    /// <summary>Gets when the state last changed, by the breaker's clock; read under the lock.</summary>
    public DateTimeOffset? LastChange { get; private set; }

    /// <summary>Gets the state without the lock.</summary>
    public CircuitState Current => (CircuitState)(Volatile.Read(ref _word) & StateMask);

    /// <summary>Sets whether a closed circuit decides admissions under the lock.</summary>
    public bool Guarded
    {
        set
        {
            _guarded = value;
            Write();
        }
    }

    /// <summary>Reads, without the lock, whether the circuit admits an attempt right away, and the generation that does.</summary>
    /// <param name="generation">The generation of the closed circuit.</param>
    /// <returns><see langword="true"/> when the circuit is closed and no rule guards admission.</returns>
    public bool IsOpenToAll(out long generation)
    {
        var word = Volatile.Read(ref _word);
        generation = word >> StateBits;
        return (word & (StateMask | GuardedBit)) == (long)CircuitState.Closed;
    }

    /// <summary>Enters <paramref name="state"/> in a new generation.</summary>
    /// <param name="state">The new state.</param>
    /// <param name="now">The time of day of the change.</param>
    public void Enter(CircuitState state, DateTimeOffset now)
    {
        State = state;
        LastChange = now;
        Generation++;
        Write();
    }

    private void Write() => Volatile.Write(ref _word, (Generation << StateBits) | (_guarded ? GuardedBit : 0) | (long)State);
}
