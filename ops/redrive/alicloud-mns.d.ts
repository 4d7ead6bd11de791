/**
 * Types for `@alicloud/mns` 1.2.0 (Alibaba's MNS SDK for Node.js ships none), limited to what redrive calls.
 * @see https://github.com/aliyun/aliyun-mns-nodejs-sdk
 */
declare module '@alicloud/mns' {
  /** A message as the SDK returns it: the XML elements of `<Message>`, as strings. */
  interface MnsMessage {
    readonly MessageId: string;
    readonly ReceiptHandle?: string;
    readonly MessageBody: string;
    readonly MessageBodyMD5?: string;
    readonly EnqueueTime?: string;
    readonly NextVisibleTime?: string;
    readonly FirstDequeueTime?: string;
    readonly DequeueCount?: string;
  }

  interface MnsResponse<T> {
    readonly code: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: T;
  }

  interface MnsCredentials {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken?: string;
  }

  interface MnsClientOptions extends MnsCredentials {
    readonly region?: string;
    /** `http(s)://host[:port]`; replaces the region endpoint. */
    readonly endpoint?: string;
    /** HTTPS for the region endpoint. @default false (HTTP) */
    readonly secure?: boolean;
    readonly refreshSTSToken?: () => Promise<MnsCredentials>;
    readonly refreshSTSTokenInterval?: number;
  }

  class MNSClient {
    constructor(accountId: string, options: MnsClientOptions);
    batchReceiveMessage(
      queueName: string,
      numOfMessages: number,
      waitSeconds?: number,
    ): Promise<MnsResponse<MnsMessage[]>>;
    batchPeekMessage(queueName: string, numOfMessages: number): Promise<MnsResponse<MnsMessage[]>>;
    deleteMessage(queueName: string, receiptHandle: string): Promise<MnsResponse<undefined>>;
  }

  export = MNSClient;
}
