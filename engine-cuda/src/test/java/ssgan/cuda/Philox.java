package ssgan.cuda;

/**
 * Philox-4x32-10 and the Box–Muller transform of random.cu, written plainly in Java: the reference the
 * GPU's samples are checked against, itself checked against the generator's published known answers.
 */
final class Philox {
    private Philox() {}

    /** The four 32-bit words for {@code counter} (four words) under {@code key} (two words). */
    static int[] philox4x32_10(int[] counter, int[] key) {
        int c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
        int k0 = key[0], k1 = key[1];
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += 0x9E3779B9;
                k1 += 0xBB67AE85;
            }
            long p0 = 0xD2511F53L * (c0 & 0xFFFFFFFFL);
            long p1 = 0xCD9E8D57L * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /** Standard normal sample j of the draw under {@code seed} starting at counter {@code offset}, as random.cu makes it. */
    static double sample(long seed, long offset, int j) {
        long c = offset + j / 4;
        int[] r = philox4x32_10(new int[] {(int) c, (int) (c >>> 32), 0, 0}, new int[] {(int) seed, (int) (seed >>> 32)});
        int pair = (j % 4) / 2;
        double u1 = ((r[2 * pair] >>> 8) + 1) * 0x1p-24;
        double u2 = (r[2 * pair + 1] >>> 8) * 0x1p-24;
        double radius = Math.sqrt(-2 * Math.log(u1));
        return j % 2 == 0 ? radius * Math.cos(2 * Math.PI * u2) : radius * Math.sin(2 * Math.PI * u2);
    }
}
