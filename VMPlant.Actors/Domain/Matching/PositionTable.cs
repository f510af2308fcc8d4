namespace VMPlant.Actors.Domain;

/// <summary>
/// A tiny open-addressing map from interned identity numbers to a request's action positions, built per lookup:
/// a request has tens of actions, so this stays in a few cache lines and needs no locking or shared scratch space.
/// </summary>
internal sealed class PositionTable
{
    private readonly int[] keys;
    private readonly int[] positions;
    private readonly int mask;
    private readonly int shift;

    public PositionTable(int capacity)
    {
        var size = 8;
        while (size < capacity * 2)
            size <<= 1;
        keys = new int[size];
        Array.Fill(keys, -1);
        positions = new int[size];
        mask = size - 1;
        shift = 32 - System.Numerics.BitOperations.Log2((uint)size);
    }

    /// <param name="key">A non-negative interned number, not yet in the table.</param>
    public void Add(int key, int position)
    {
        var slot = Slot(key);
        while (keys[slot] >= 0)
            slot = (slot + 1) & mask;
        keys[slot] = key;
        positions[slot] = position;
    }

    /// <returns>The position, or -1.</returns>
    public int Find(int key)
    {
        for (var slot = Slot(key); ; slot = (slot + 1) & mask)
        {
            var found = keys[slot];
            if (found == key)
                return positions[slot];
            if (found < 0)
                return -1;
        }
    }

    /// <summary>Fibonacci hashing: the top bits of the product spread dense numbers evenly.</summary>
    private int Slot(int key) => (int)(((uint)key * 2654435769u) >> shift);
}
