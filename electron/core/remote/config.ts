import { z } from 'zod';

/**
 * One entry of `remotes:` in strata.yaml (docs/remotes.md). Credentials are never part of it: an S3
 * remote signs with what the AWS SDK finds in the standard environment variables or the shared
 * credentials file (optionally the named `profile`), so strata.yaml can be committed as it is.
 */
export const remoteSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('s3'),
      bucket: z.string().min(3, 'a bucket name has at least 3 characters'),
      /** omitted for AWS S3 itself; the server's URL for MinIO, R2, B2, Swift… */
      endpoint: z.string().url().optional(),
      /** key prefix inside the bucket, so one bucket can hold several projects */
      prefix: z.string().default(''),
      region: z.string().min(1).default('us-east-1'),
      /** bucket in the path (http://host/bucket/key) instead of the host name: MinIO and most self-hosted servers */
      path_style: z.boolean().default(false),
      /** a profile of the shared credentials file (default: AWS_PROFILE, else "default") */
      profile: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('folder'),
      /** absolute, or relative to the project folder (a mounted NAS, a USB disk) */
      path: z.string().min(1, 'the folder of the remote is required'),
    })
    .strict(),
]);

export type RemoteConfig = z.output<typeof remoteSchema>;
